#include "ledger_repository.hpp"

#include "platform/db/prepared.hpp"

namespace shop::inventory {
namespace {

constexpr const char* kInsert =
    "INSERT INTO inventory_ledger (id, sku, location_id, kind, on_hand_delta, reserved_delta, on_hand_after,"
    " reserved_after, reason, actor, order_id, at_ms)"
    " VALUES (:id, :sku, 'default', :kind, :ohd, :rd, :oha, :ra, :reason, :actor, :order_id, :at)";
constexpr const char* kListFirst =
    "SELECT id, sku, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, actor, order_id,"
    " at_ms FROM inventory_ledger WHERE sku = :sku ORDER BY id DESC LIMIT :n";
constexpr const char* kListBefore =
    "SELECT id, sku, kind, on_hand_delta, reserved_delta, on_hand_after, reserved_after, reason, actor, order_id,"
    " at_ms FROM inventory_ledger WHERE sku = :sku AND id < :before ORDER BY id DESC LIMIT :n";

MovementKind KindFromName(const std::string& name) {
  for (MovementKind kind : {MovementKind::kReceive, MovementKind::kAdjust, MovementKind::kReserve,
                            MovementKind::kRelease, MovementKind::kCommit, MovementKind::kRestock}) {
    if (MovementKindName(kind) == name) return kind;
  }
  return MovementKind::kAdjust;
}

}  // namespace

void LedgerRepository::Insert(soci::session& sql, const Movement& m) {
  const std::string kind(MovementKindName(m.kind));
  platform::db::Exec(sql, kInsert, soci::use(m.id), soci::use(m.sku.value), soci::use(kind), soci::use(m.on_hand_delta),
                     soci::use(m.reserved_delta), soci::use(m.on_hand_after), soci::use(m.reserved_after),
                     soci::use(m.reason), soci::use(m.actor), soci::use(m.order_id), soci::use(m.at_ms));
}

std::vector<Movement> LedgerRepository::List(soci::session& sql, const std::string& sku, int limit,
                                             const std::optional<std::string>& before_id) {
  Movement m;
  std::string kind;
  long long ohd = 0, rd = 0, oha = 0, ra = 0, at = 0;
  std::vector<Movement> out;
  auto run = [&](soci::statement& s) {
    s.execute();
    while (s.fetch()) {
      m.kind = KindFromName(kind);
      m.on_hand_delta = ohd;
      m.reserved_delta = rd;
      m.on_hand_after = oha;
      m.reserved_after = ra;
      m.at_ms = at;
      out.push_back(m);
    }
  };
  if (before_id) {
    soci::statement s =
        (sql.prepare << kListBefore, soci::into(m.id), soci::into(m.sku.value), soci::into(kind), soci::into(ohd),
         soci::into(rd), soci::into(oha), soci::into(ra), soci::into(m.reason), soci::into(m.actor),
         soci::into(m.order_id), soci::into(at), soci::use(sku), soci::use(*before_id), soci::use(limit));
    run(s);
  } else {
    soci::statement s = (sql.prepare << kListFirst, soci::into(m.id), soci::into(m.sku.value), soci::into(kind),
                         soci::into(ohd), soci::into(rd), soci::into(oha), soci::into(ra), soci::into(m.reason),
                         soci::into(m.actor), soci::into(m.order_id), soci::into(at), soci::use(sku), soci::use(limit));
    run(s);
  }
  return out;
}

}  // namespace shop::inventory
