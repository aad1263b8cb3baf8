#include "inventory_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

#include "cursor.hpp"
#include "ledger_repository.hpp"
#include "reservation_repository.hpp"
#include "shop/inventory/events.hpp"
#include "validation.hpp"

namespace shop::inventory {

namespace db = platform::db;

/// One applied change of one SKU: what the conditional UPDATE returned and
/// why it was made.
struct InventoryServiceImpl::Change {
  StockRow after;
  MovementKind kind = MovementKind::kAdjust;
  std::int64_t on_hand_delta = 0;
  std::int64_t reserved_delta = 0;
  std::string reason;
  std::string actor;
  std::string order_id;
};

namespace {

constexpr const char* kSystemActor = "system";

Error UnknownSku(const Sku& sku) { return Error::NotFound(fmt::format("SKU {} is not tracked", sku.value)); }

std::optional<ReservationStatus> ParseStatus(const std::string& text) {
  if (text == "active") return ReservationStatus::kActive;
  if (text == "released") return ReservationStatus::kReleased;
  if (text == "committed") return ReservationStatus::kCommitted;
  if (text == "expired") return ReservationStatus::kExpired;
  return std::nullopt;
}

}  // namespace

StockLevel InventoryServiceImpl::Level(const StockRow& row) const {
  return StockLevel{.sku = Sku{row.sku},
                    .on_hand = row.on_hand,
                    .reserved = row.reserved,
                    .available = row.on_hand - row.reserved,
                    .low_stock_threshold = row.threshold.value_or(deps_.config.low_stock_default)};
}

void InventoryServiceImpl::Record(db::Tx& tx, const Change& c) {
  const StockLevel after = Level(c.after);
  LedgerRepository::Insert(tx.sql(), Movement{.id = deps_.ids.NewId(),
                                              .sku = after.sku,
                                              .kind = c.kind,
                                              .on_hand_delta = c.on_hand_delta,
                                              .reserved_delta = c.reserved_delta,
                                              .on_hand_after = after.on_hand,
                                              .reserved_after = after.reserved,
                                              .reason = c.reason,
                                              .actor = c.actor,
                                              .order_id = c.order_id,
                                              .at_ms = deps_.clock.NowMs()});
  auto& outbox = deps_.outbox;
  const std::string& sku = after.sku.value;
  outbox.Publish(tx, sku,
                 events::StockChanged{sku, after.on_hand, after.reserved, after.available,
                                      std::string(MovementKindName(c.kind))});
  // The row was locked by the UPDATE, so the levels before are exactly the
  // levels after minus this change.
  const std::int64_t before = after.available - (c.on_hand_delta - c.reserved_delta);
  const std::int64_t now = after.available;
  const std::int64_t threshold = after.low_stock_threshold;
  if (before > 0 && now == 0) outbox.Publish(tx, sku, events::OutOfStock{sku});
  if (before == 0 && now > 0) outbox.Publish(tx, sku, events::BackInStock{sku, now});
  if (before > threshold && now <= threshold && now > 0) {
    outbox.Publish(tx, sku, events::LowStock{sku, now, threshold});
  }
}

Result<StockLevel> InventoryServiceImpl::Track(const Sku& sku) {
  if (auto bad = CheckSku(sku)) return *bad;
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<StockLevel> {
    StockRepository::InsertIfMissing(tx.sql(), sku.value, deps_.clock.NowMs());
    auto row = StockRepository::Find(tx.sql(), sku.value);
    if (!row) throw std::logic_error("tracked SKU vanished within its transaction");
    return Level(*row);
  });
}

Result<void> InventoryServiceImpl::ReceiveMany(const std::vector<ReceiptLine>& lines, std::string_view reason,
                                               std::string_view actor) {
  if (lines.size() > kMaxReceiptLines) {
    return Error::InvalidInput(fmt::format("at most {} lines per receipt", kMaxReceiptLines));
  }
  if (auto bad = CheckReason(reason)) return *bad;
  std::vector<std::string> seen;
  seen.reserve(lines.size());
  for (const ReceiptLine& line : lines) {
    if (auto bad = CheckSku(line.sku)) return *bad;
    if (line.quantity < 0 || line.quantity > kMaxQuantity) {
      return Error::InvalidInput(fmt::format("quantity of {} must be from 0 to {}", line.sku.value, kMaxQuantity));
    }
    seen.push_back(line.sku.value);
  }
  std::sort(seen.begin(), seen.end());
  if (auto repeated = std::adjacent_find(seen.begin(), seen.end()); repeated != seen.end()) {
    return Error::InvalidInput(fmt::format("SKU {} appears twice", *repeated));
  }
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<void> {
    const std::int64_t now = deps_.clock.NowMs();
    for (const ReceiptLine& line : lines) {
      StockRepository::InsertIfMissing(tx.sql(), line.sku.value, now);
      if (line.quantity == 0) continue;
      auto after = StockRepository::Apply(tx.sql(), line.sku.value, line.quantity, 0, now);
      // Returning an error rolls back every line before this one too.
      if (!after) return Error::Conflict(fmt::format("on hand of {} would exceed {}", line.sku.value, kMaxOnHand));
      Record(tx, Change{.after = *after,
                        .kind = MovementKind::kReceive,
                        .on_hand_delta = line.quantity,
                        .reason = Trim(reason),
                        .actor = actor.empty() ? kSystemActor : std::string(actor),
                        .order_id = {}});
    }
    return {};
  });
}

Result<StockLevel> InventoryServiceImpl::Get(const Sku& sku) {
  if (auto bad = CheckSku(sku)) return *bad;
  auto row = deps_.db.WithSession([&](soci::session& sql) { return StockRepository::Find(sql, sku.value); });
  if (!row) return UnknownSku(sku);
  return Level(*row);
}

std::vector<StockLevel> InventoryServiceImpl::GetMany(const std::vector<Sku>& skus) {
  std::vector<std::string> codes;
  for (const Sku& sku : skus) {
    if (IsValidSku(sku.value)) codes.push_back(sku.value);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  if (codes.empty()) return {};
  auto rows = deps_.db.WithSession([&](soci::session& sql) { return StockRepository::FindMany(sql, codes); });
  std::vector<StockLevel> out;
  out.reserve(rows.size());
  for (const StockRow& row : rows) out.push_back(Level(row));
  return out;
}

Result<StockLevel> InventoryServiceImpl::Adjust(const Sku& sku, std::int64_t delta, std::string_view reason,
                                                std::string_view actor) {
  if (auto bad = CheckSku(sku)) return *bad;
  if (auto bad = CheckDelta(delta)) return *bad;
  if (auto bad = CheckReason(reason)) return *bad;
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<StockLevel> {
    auto after = StockRepository::Apply(tx.sql(), sku.value, delta, 0, deps_.clock.NowMs());
    if (!after) {
      // The UPDATE refused; reading now only explains why (nothing is written).
      auto row = StockRepository::Find(tx.sql(), sku.value);
      if (!row) return UnknownSku(sku);
      if (delta < 0) {
        return Error::Conflict(fmt::format("{} units on hand and {} reserved: removing {} would go below reserved",
                                           row->on_hand, row->reserved, -delta));
      }
      return Error::Conflict(fmt::format("on hand would exceed {}", kMaxOnHand));
    }
    Record(tx, Change{.after = *after,
                      .kind = delta > 0 ? MovementKind::kReceive : MovementKind::kAdjust,
                      .on_hand_delta = delta,
                      .reason = Trim(reason),
                      .actor = actor.empty() ? kSystemActor : std::string(actor),
                      .order_id = {}});
    return Level(*after);
  });
}

Result<StockLevel> InventoryServiceImpl::SetLowStockThreshold(const Sku& sku,
                                                              std::optional<std::int64_t> threshold) {
  if (auto bad = CheckSku(sku)) return *bad;
  if (threshold && (*threshold < 0 || *threshold > kMaxQuantity)) {
    return Error::InvalidInput("invalid threshold",
                               {{"threshold", fmt::format("must be null or an integer from 0 to {}", kMaxQuantity)}});
  }
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<StockLevel> {
    auto row = StockRepository::SetThreshold(tx.sql(), sku.value, threshold, deps_.clock.NowMs());
    if (!row) return UnknownSku(sku);
    return Level(*row);
  });
}

Result<void> InventoryServiceImpl::Reserve(std::string_view order_id, const std::vector<ReservationLine>& lines,
                                           std::int64_t expires_at_ms) {
  return deps_.db.InTransaction([&](db::Tx& tx) { return Reserve(tx, order_id, lines, expires_at_ms); });
}

Result<void> InventoryServiceImpl::Reserve(db::Tx& tx, std::string_view order_id,
                                           const std::vector<ReservationLine>& lines, std::int64_t expires_at_ms) {
  if (auto bad = CheckOrderId(order_id)) return *bad;
  if (lines.empty()) return Error::InvalidInput("no lines", {{"lines", "must hold at least one line"}});
  // std::map sorts by SKU: every transaction locks stock rows in that one
  // order, so two reservations can never wait on each other in a cycle.
  std::map<std::string, std::int64_t> wanted;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string field = fmt::format("lines[{}]", i);
    if (auto bad = CheckSku(lines[i].sku, field + ".sku")) return *bad;
    if (auto bad = CheckQuantity(lines[i].quantity, field + ".quantity")) return *bad;
    std::int64_t& sum = wanted[lines[i].sku.value];
    sum += lines[i].quantity;
    if (sum > kMaxQuantity) {
      return Error::InvalidInput("invalid quantity",
                                 {{field + ".quantity", fmt::format("{} in all exceeds {}", lines[i].sku.value,
                                                                    kMaxQuantity)}});
    }
  }
  if (wanted.size() > kMaxLines) {
    return Error::InvalidInput("too many lines", {{"lines", fmt::format("at most {} SKUs", kMaxLines)}});
  }
  const std::int64_t now_ms = deps_.clock.NowMs();
  if (expires_at_ms <= now_ms) {
    return Error::InvalidInput("invalid expiry", {{"expires_at_ms", "must be in the future"}});
  }
  const std::string order(order_id);

  auto& sql = tx.sql();
  if (!ReservationRepository::InsertIfAbsent(sql, order, expires_at_ms, now_ms)) {
    const auto status = ReservationRepository::Status(sql, order).value_or("");
    if (status != "active") {
      return Error::Conflict(fmt::format("the reservation of order {} is already {}", order, status));
    }
    std::map<std::string, std::int64_t> held;
    for (const LineRow& line : ReservationRepository::Lines(sql, order)) held[line.sku] = line.quantity;
    if (held != wanted) {
      return Error::Conflict(fmt::format("order {} already holds a reservation of other lines", order));
    }
    return {};
  }
  // Every line is tried even after one fails, so the error names every
  // short SKU; the failure rolls all of it back.
  std::vector<Change> changes;
  std::vector<FieldError> short_skus;
  for (const auto& [sku, quantity] : wanted) {
    auto after = StockRepository::Apply(sql, sku, 0, quantity, now_ms);
    if (after) {
      changes.push_back(Change{.after = *after,
                               .kind = MovementKind::kReserve,
                               .reserved_delta = quantity,
                               .reason = "order " + order,
                               .actor = kSystemActor,
                               .order_id = order});
      continue;
    }
    auto row = StockRepository::Find(sql, sku);
    short_skus.push_back(
        {sku, row ? fmt::format("{} wanted, {} available", quantity, row->on_hand - row->reserved)
                  : std::string("is not stocked")});
  }
  if (!short_skus.empty()) {
    std::string names;
    for (const auto& f : short_skus) names += (names.empty() ? "" : ", ") + f.field;
    return Error{ErrorCode::kOutOfStock, "not enough stock for " + names, std::move(short_skus)};
  }
  for (const auto& [sku, quantity] : wanted) ReservationRepository::InsertLine(sql, order, {sku, quantity});
  for (const Change& change : changes) Record(tx, change);
  return {};
}

bool InventoryServiceImpl::Finish(db::Tx& tx, const std::string& order_id, const std::string& to, MovementKind kind,
                                  std::string_view reason, std::optional<std::int64_t> due_ms) {
  auto& sql = tx.sql();
  const std::int64_t now_ms = deps_.clock.NowMs();
  if (!ReservationRepository::Transition(sql, order_id, "active", to, now_ms, due_ms)) return false;
  const bool sell = kind == MovementKind::kCommit;
  // Lines come back by SKU, the same lock order as Reserve.
  for (const LineRow& line : ReservationRepository::Lines(sql, order_id)) {
    const std::int64_t on_hand_delta = sell ? -line.quantity : 0;
    auto after = StockRepository::Apply(sql, line.sku, on_hand_delta, -line.quantity, now_ms);
    // The reservation held these units, and the CHECKs keep reserved <= on_hand,
    // so this can only fail if the data was changed behind the service's back.
    if (!after) throw std::logic_error("stock of " + line.sku + " does not cover the reservation of " + order_id);
    Record(tx, Change{.after = *after,
                      .kind = kind,
                      .on_hand_delta = on_hand_delta,
                      .reserved_delta = -line.quantity,
                      .reason = std::string(reason),
                      .actor = kSystemActor,
                      .order_id = order_id});
  }
  return true;
}

Result<void> InventoryServiceImpl::Release(std::string_view order_id, std::string_view reason) {
  if (auto bad = CheckOrderId(order_id)) return *bad;
  const std::string order(order_id);
  const std::string why = Trim(reason).empty() ? "order " + order + " released" : Trim(reason);
  if (why.size() > kMaxReasonLength) return *CheckReason(why);
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<void> {
    if (Finish(tx, order, "released", MovementKind::kRelease, why, std::nullopt)) return {};
    auto status = ReservationRepository::Status(tx.sql(), order);
    if (!status) return Error::NotFound("order " + order + " holds no reservation");
    if (*status == "committed") return Error::Conflict("the reservation of order " + order + " is committed");
    return {};  // already released or expired
  });
}

Result<void> InventoryServiceImpl::Commit(std::string_view order_id) {
  if (auto bad = CheckOrderId(order_id)) return *bad;
  return deps_.db.InTransaction([&](db::Tx& tx) { return Commit(tx, order_id); });
}

Result<void> InventoryServiceImpl::Commit(db::Tx& tx, std::string_view order_id) {
  if (auto bad = CheckOrderId(order_id)) return *bad;
  const std::string order(order_id);
  if (Finish(tx, order, "committed", MovementKind::kCommit, "order " + order + " sold", std::nullopt)) return {};
  auto status = ReservationRepository::Status(tx.sql(), order);
  if (!status) return Error::NotFound("order " + order + " holds no reservation");
  if (*status != "committed") {
    return Error::Conflict(fmt::format("the reservation of order {} is already {}", order, *status));
  }
  return {};
}

Result<StockLevel> InventoryServiceImpl::Restock(const Sku& sku, std::int64_t quantity, std::string_view order_id,
                                                 std::string_view reason, std::string_view actor) {
  if (auto bad = CheckSku(sku)) return *bad;
  if (auto bad = CheckQuantity(quantity)) return *bad;
  if (!order_id.empty()) {
    if (auto bad = CheckOrderId(order_id)) return *bad;
  }
  if (auto bad = CheckReason(reason)) return *bad;
  const std::string order(order_id);
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<StockLevel> {
    auto& sql = tx.sql();
    if (!order.empty() && !ReservationRepository::AddRestocked(sql, order, sku.value, quantity)) {
      return Error::Conflict(fmt::format(
          "order {} has no committed line of {} with {} more units sold than restocked", order, sku.value, quantity));
    }
    auto after = StockRepository::Apply(sql, sku.value, quantity, 0, deps_.clock.NowMs());
    if (!after) {
      if (!StockRepository::Find(sql, sku.value)) return UnknownSku(sku);
      return Error::Conflict(fmt::format("on hand would exceed {}", kMaxOnHand));
    }
    Record(tx, Change{.after = *after,
                      .kind = MovementKind::kRestock,
                      .on_hand_delta = quantity,
                      .reason = Trim(reason),
                      .actor = actor.empty() ? kSystemActor : std::string(actor),
                      .order_id = order});
    return Level(*after);
  });
}

Result<ReservationStatus> InventoryServiceImpl::GetReservation(std::string_view order_id) {
  if (auto bad = CheckOrderId(order_id)) return *bad;
  const std::string order(order_id);
  auto status = deps_.db.WithSession([&](soci::session& sql) { return ReservationRepository::Status(sql, order); });
  if (!status) return Error::NotFound("order " + order + " holds no reservation");
  auto parsed = ParseStatus(*status);
  if (!parsed) throw std::logic_error("unknown reservation status " + *status);
  return *parsed;
}

std::size_t InventoryServiceImpl::ReleaseExpired(std::int64_t now_ms) {
  const int batch = static_cast<int>(deps_.config.sweep_batch_size);
  std::size_t released = 0;
  for (;;) {
    auto due = deps_.db.WithSession(
        [&](soci::session& sql) { return ReservationRepository::Due(sql, now_ms, batch); });
    // One transaction per reservation: a commit racing the sweep on one order
    // wins or loses on its own (the status UPDATE decides) and never holds up
    // the others.
    for (const std::string& order : due) {
      const bool done = deps_.db.InTransaction([&](db::Tx& tx) {
        if (!Finish(tx, order, "expired", MovementKind::kRelease, "reservation expired", now_ms)) return false;
        deps_.outbox.Publish(tx, order, events::ReservationExpired{order});
        return true;
      });
      if (done) ++released;
    }
    if (due.size() < static_cast<std::size_t>(batch)) break;
  }
  return released;
}

Result<MovementPage> InventoryServiceImpl::Ledger(const Sku& sku, int limit, std::string_view cursor) {
  if (auto bad = CheckSku(sku)) return *bad;
  if (auto bad = CheckLimit(limit)) return *bad;
  std::optional<std::string> before;
  if (!cursor.empty()) {
    before = DecodeCursor(cursor);
    if (!before) return InvalidCursor();
  }
  return deps_.db.WithSession([&](soci::session& sql) -> Result<MovementPage> {
    if (!StockRepository::Find(sql, sku.value)) return UnknownSku(sku);
    MovementPage page;
    page.items = LedgerRepository::List(sql, sku.value, limit + 1, before);
    if (page.items.size() > static_cast<std::size_t>(limit)) {
      page.items.resize(limit);
      page.next_cursor = EncodeCursor(page.items.back().id);
    }
    return page;
  });
}

Result<StockPage> InventoryServiceImpl::Search(std::string_view prefix, int limit, std::string_view cursor) {
  if (!prefix.empty() && !IsValidSku(prefix)) {
    return Error::InvalidInput("invalid query", {{"q", "must be the start of a SKU: up to 64 of A-Z, a-z, 0-9, "
                                                       "'.', '_' or '-'"}});
  }
  if (auto bad = CheckLimit(limit)) return *bad;
  std::optional<std::string> after;
  if (!cursor.empty()) {
    after = DecodeCursor(cursor);
    if (!after) return InvalidCursor();
  }
  std::string lower(prefix);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto rows = deps_.db.WithSession(
      [&](soci::session& sql) { return StockRepository::Search(sql, lower, limit + 1, after); });
  StockPage page;
  for (const StockRow& row : rows) page.items.push_back(Level(row));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.resize(limit);
    page.next_cursor = EncodeCursor(page.items.back().sku.value);
  }
  return page;
}

Result<StockPage> InventoryServiceImpl::LowStock(int limit, std::string_view cursor) {
  if (auto bad = CheckLimit(limit)) return *bad;
  std::optional<StockCursor> after;
  if (!cursor.empty()) {
    // "<available>:<sku>"
    auto text = DecodeCursor(cursor);
    const auto colon = text ? text->find(':') : std::string::npos;
    if (colon == std::string::npos) return InvalidCursor();
    StockCursor c;
    try {
      std::size_t used = 0;
      c.available = std::stoll(text->substr(0, colon), &used);
      if (used != colon) return InvalidCursor();
    } catch (const std::exception&) {
      return InvalidCursor();
    }
    c.sku = text->substr(colon + 1);
    if (!IsValidSku(c.sku)) return InvalidCursor();
    after = c;
  }
  auto rows = deps_.db.WithSession([&](soci::session& sql) {
    return StockRepository::LowStock(sql, deps_.config.low_stock_default, limit + 1, after);
  });
  StockPage page;
  for (const StockRow& row : rows) page.items.push_back(Level(row));
  if (page.items.size() > static_cast<std::size_t>(limit)) {
    page.items.resize(limit);
    const StockLevel& last = page.items.back();
    page.next_cursor = EncodeCursor(fmt::format("{}:{}", last.available, last.sku.value));
  }
  return page;
}

}  // namespace shop::inventory
