#include "refund_repository.hpp"

namespace shop::payments {
namespace {

#define SHOP_REFUND_COLUMNS "id, payment_id, amount, currency, status, reason, failure, actor, created_at_ms"

constexpr const char* kInsert =
    "INSERT INTO payments_refunds (id, payment_id, amount, currency, status, reason, failure, actor,"
    " created_at_ms, updated_at_ms) VALUES (:id, :p, :a, :c, 'PENDING', :r, '', :actor, :now, :now2)";
constexpr const char* kFind = "SELECT " SHOP_REFUND_COLUMNS " FROM payments_refunds WHERE id = :id";
constexpr const char* kForPayment =
    "SELECT " SHOP_REFUND_COLUMNS " FROM payments_refunds WHERE payment_id = :p ORDER BY created_at_ms, id";
constexpr const char* kSettle =
    "UPDATE payments_refunds SET status = :s, failure = :f, updated_at_ms = :now"
    " WHERE id = :id AND status = 'PENDING' RETURNING " SHOP_REFUND_COLUMNS;

#undef SHOP_REFUND_COLUMNS

struct Raw {
  RefundRow row;
  long long amount = 0, created = 0;
  RefundRow Row() const {
    RefundRow r = row;
    r.amount = amount;
    r.created_at_ms = created;
    return r;
  }
};

void IntoRaw(soci::details::prepare_temp_type& st, Raw& r) {
  st, soci::into(r.row.id), soci::into(r.row.payment_id), soci::into(r.amount), soci::into(r.row.currency),
      soci::into(r.row.status), soci::into(r.row.reason), soci::into(r.row.failure), soci::into(r.row.actor),
      soci::into(r.created);
}

}  // namespace

void RefundRepository::Insert(soci::session& sql, const RefundRow& row) {
  const long long amount = row.amount;
  const long long now = row.created_at_ms;
  sql << kInsert, soci::use(row.id), soci::use(row.payment_id), soci::use(amount), soci::use(row.currency),
      soci::use(row.reason), soci::use(row.actor), soci::use(now), soci::use(now);
}

std::optional<RefundRow> RefundRepository::Find(soci::session& sql, const std::string& id) {
  Raw r;
  auto prep = (sql.prepare << kFind, soci::use(id));
  IntoRaw(prep, r);
  soci::statement st = prep;
  st.execute();
  if (!st.fetch()) return std::nullopt;
  return r.Row();
}

std::vector<RefundRow> RefundRepository::ForPayment(soci::session& sql, const std::string& payment_id) {
  Raw r;
  auto prep = (sql.prepare << kForPayment, soci::use(payment_id));
  IntoRaw(prep, r);
  soci::statement st = prep;
  st.execute();
  std::vector<RefundRow> out;
  while (st.fetch()) out.push_back(r.Row());
  return out;
}

std::optional<RefundRow> RefundRepository::Settle(soci::session& sql, const std::string& id,
                                                  const std::string& status, const std::string& failure,
                                                  std::int64_t now_ms) {
  Raw r;
  const long long now = now_ms;
  auto prep = (sql.prepare << kSettle, soci::use(status), soci::use(failure), soci::use(now), soci::use(id));
  IntoRaw(prep, r);
  soci::statement st = prep;
  st.execute();
  if (!st.fetch()) return std::nullopt;
  RefundRow row = r.Row();
  while (st.fetch()) {
  }
  return row;
}

}  // namespace shop::payments
