// Reading orders and the changes staff and shoppers ask for (orders.hpp).
#include "orders_service.hpp"

#include "platform/crypto/hmac.hpp"
#include "order_status.hpp"
#include "shop/orders/events.hpp"

#include <fmt/format.h>

#include <charconv>

namespace shop::orders {

namespace db = platform::db;
using platform::money::Money;

namespace {

Error UnknownOrder() { return Error::NotFound("no such order"); }

std::string Cursor(const Order& last) { return fmt::format("{}_{}", last.created_at_ms, last.id); }

std::optional<ListPosition> ParseCursor(std::string_view cursor) {
  auto sep = cursor.find('_');
  if (sep == std::string_view::npos || sep == 0 || cursor.size() - sep - 1 > 64 || cursor.size() == sep + 1) {
    return std::nullopt;
  }
  ListPosition p;
  auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + sep, p.created_at_ms);
  if (ec != std::errc() || end != cursor.data() + sep) return std::nullopt;
  p.id = std::string(cursor.substr(sep + 1));
  return p;
}

}  // namespace

std::optional<ScreeningVerdict> ParseScreeningPolicy(std::string_view name) {
  for (auto v : {ScreeningVerdict::kApprove, ScreeningVerdict::kReview, ScreeningVerdict::kReject}) {
    if (ScreeningVerdictName(v) == name) return v;
  }
  return std::nullopt;
}

OrdersServiceImpl::OrdersServiceImpl(OrdersServiceDeps deps) : deps_(deps) {
  auto currency = platform::money::Currency::FromCode(deps_.config.shop.currency);
  if (!currency) throw std::invalid_argument("shop.currency: " + currency.error().detail);
  currency_ = *currency;
}

std::optional<StoredOrder> OrdersServiceImpl::Load(std::string_view order_id) {
  if (order_id.empty() || order_id.size() > 64) return std::nullopt;
  return deps_.db.WithSession(
      [&](soci::session& sql) { return OrderRepository::Find(sql, std::string(order_id), currency_); });
}

bool OrdersServiceImpl::MaySee(const StoredOrder& stored, const Viewer& viewer) const {
  if (viewer.staff) return true;
  const Order& o = stored.order;
  if (!o.customer_id.empty() && viewer.customer_id == o.customer_id) return true;
  // A guest order is reachable only with its token; the stored hash is
  // compared in constant time.
  if (!stored.guest_token_hash.empty() && viewer.order_token && !viewer.order_token->empty()) {
    return platform::crypto::ConstantTimeEquals(platform::crypto::Sha256Hex(*viewer.order_token),
                                                stored.guest_token_hash);
  }
  return false;
}

Result<Order> OrdersServiceImpl::MoveIn(db::Tx& tx, std::string_view order_id, OrderStatus to, std::string_view note,
                                        std::string_view actor) {
  auto stored = OrderRepository::Find(tx.sql(), std::string(order_id), currency_);
  if (!stored) return UnknownOrder();
  Order order = std::move(stored->order);
  const OrderStatus from = order.status;
  if (from == to && !CanTransition(from, to)) return order;
  if (!CanTransition(from, to)) {
    return Error::Conflict(fmt::format("a {} order cannot become {}", OrderStatusName(from), OrderStatusName(to)));
  }
  const std::int64_t now = deps_.clock.NowMs();
  // The UPDATE names the status just read, so a concurrent move in between
  // makes this one fail instead of overwriting it.
  if (!OrderRepository::Transition(tx.sql(), order.id, {std::string(OrderStatusName(from))}, to, now)) {
    return Error::Conflict("the order changed meanwhile; try again");
  }
  OrderRepository::AddTimeline(tx.sql(), order.id,
                               TimelineEntry{.id = deps_.ids.NewId(),
                                             .from = from,
                                             .to = to,
                                             .note = std::string(note),
                                             .actor = std::string(actor),
                                             .at_ms = now});
  deps_.outbox.Publish(tx, order.id,
                       events::OrderStatusChanged{order.id, order.number, std::string(OrderStatusName(from)),
                                                  std::string(OrderStatusName(to)), std::string(note), order.email});
  order.status = to;
  order.updated_at_ms = now;
  return order;
}

Result<Order> OrdersServiceImpl::Move(std::string_view order_id, OrderStatus to, std::string_view note,
                                      std::string_view actor) {
  return deps_.db.InTransaction([&](db::Tx& tx) { return MoveIn(tx, order_id, to, note, actor); });
}

void OrdersServiceImpl::NoteIn(db::Tx& tx, std::string_view order_id, std::string_view note, std::string_view actor) {
  OrderRepository::AddTimeline(tx.sql(), std::string(order_id),
                               TimelineEntry{.id = deps_.ids.NewId(),
                                             .from = std::nullopt,
                                             .to = std::nullopt,
                                             .note = std::string(note),
                                             .actor = std::string(actor),
                                             .at_ms = deps_.clock.NowMs()});
}

void OrdersServiceImpl::Note(std::string_view order_id, std::string_view note, std::string_view actor) {
  deps_.db.InTransaction([&](db::Tx& tx) { NoteIn(tx, order_id, note, actor); });
}

Result<Order> OrdersServiceImpl::Get(std::string_view order_id, const Viewer& viewer) {
  auto stored = Load(order_id);
  if (!stored || !MaySee(*stored, viewer)) return UnknownOrder();
  return std::move(stored->order);
}

Result<std::vector<TimelineEntry>> OrdersServiceImpl::Timeline(std::string_view order_id, const Viewer& viewer) {
  auto stored = Load(order_id);
  if (!stored || !MaySee(*stored, viewer)) return UnknownOrder();
  return deps_.db.WithSession(
      [&](soci::session& sql) { return OrderRepository::Timeline(sql, stored->order.id); });
}

Result<OrderPage> OrdersServiceImpl::Page(const OrderFilter& filter, int limit, std::string_view cursor) {
  if (limit < 1 || limit > 100) {
    return Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}});
  }
  std::optional<ListPosition> after;
  if (!cursor.empty()) {
    after = ParseCursor(cursor);
    if (!after) return Error::InvalidInput("invalid cursor", {{"cursor", "must be a next_cursor from this list"}});
  }
  // One more than asked tells whether a next page exists.
  auto items = deps_.db.WithSession(
      [&](soci::session& sql) { return OrderRepository::List(sql, filter, after, limit + 1, currency_); });
  OrderPage page;
  if (static_cast<int>(items.size()) > limit) {
    items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = Cursor(items.back());
  }
  page.items = std::move(items);
  return page;
}

Result<OrderPage> OrdersServiceImpl::ListForCustomer(std::string_view customer_id, int limit,
                                                     std::string_view cursor) {
  if (customer_id.empty()) return OrderPage{};
  OrderFilter filter;
  filter.customer_id = std::string(customer_id);
  return Page(filter, limit, cursor);
}

Result<OrderPage> OrdersServiceImpl::List(const OrderFilter& filter, int limit, std::string_view cursor) {
  return Page(filter, limit, cursor);
}

Result<Order> OrdersServiceImpl::Cancel(std::string_view order_id, const Viewer& viewer, std::string_view reason) {
  auto stored = Load(order_id);
  if (!stored || !MaySee(*stored, viewer)) return UnknownOrder();
  const Order& order = stored->order;
  if (order.status == OrderStatus::kCancelled) return order;
  if (!CanTransition(order.status, OrderStatus::kCancelled)) {
    return Error::Conflict(fmt::format("a {} order cannot be cancelled{}", OrderStatusName(order.status),
                                       order.status == OrderStatus::kPaid ? "; refund it instead" : ""));
  }
  // The payment decides the race with a capture in flight: once it is
  // voided no capture can succeed, and if it was captured first the void
  // is refused and so is the cancel.
  auto voided = deps_.payments.Cancel(order.payment_id, reason);
  if (!voided && voided.error().code == ErrorCode::kConflict) {
    return Error::Conflict("the order is already paid; refund it instead");
  }
  if (!voided) return voided.error();
  if (auto released = deps_.inventory.Release(order.id, reason);
      !released && released.error().code != ErrorCode::kNotFound) {
    return released.error();
  }
  const std::string actor = viewer.staff && viewer.customer_id ? *viewer.customer_id
                            : viewer.customer_id                ? "customer"
                                                                : "guest";
  auto moved = Move(order.id, OrderStatus::kCancelled, fmt::format("Cancelled: {}", reason), actor);
  if (!moved && moved.error().code == ErrorCode::kConflict) {
    // The void above publishes payment canceled, whose reaction cancels the
    // order too and may get there first: that is the outcome asked for.
    if (auto now = Load(order.id); now && now->order.status == OrderStatus::kCancelled) return now->order;
  }
  return moved;
}

Result<Order> OrdersServiceImpl::Refund(std::string_view order_id, const Money& amount, std::string_view reason,
                                        bool restock, std::string_view actor) {
  auto stored = Load(order_id);
  if (!stored) return UnknownOrder();
  const Order& order = stored->order;
  if (!CanTransition(order.status, OrderStatus::kPartiallyRefunded)) {
    return Error::Conflict(fmt::format("a {} order has no payment to refund", OrderStatusName(order.status)));
  }
  if (amount.amount <= 0) return Error::InvalidInput("invalid amount", {{"amount", "must be positive"}});
  const std::int64_t refundable = order.total.amount - order.refunded.amount;
  if (amount.amount > refundable) {
    return Error::Unprocessable(fmt::format("at most {} can still be refunded", refundable));
  }
  // Noted first: the provider may settle the refund (and its event land in
  // the timeline) before CreateRefund returns.
  Note(order.id, fmt::format("Refund of {} requested: {}", amount.amount, reason), actor);
  auto refund = deps_.payments.CreateRefund(order.payment_id, amount, reason, actor);
  if (!refund) {
    Note(order.id, fmt::format("Refund of {} refused: {}", amount.amount, refund.error().detail), actor);
    return refund.error();
  }
  if (restock && amount.amount == refundable) {
    for (const OrderLine& line : order.lines) {
      // Restock is capped per order line by inventory, so a repeated full
      // refund cannot put the units back twice.
      (void)deps_.inventory.Restock(inventory::Sku{line.sku}, line.quantity, order.id, "refund", actor);
    }
    Note(order.id, "Sold units restocked", actor);
  }
  auto after = Load(order.id);
  return after ? after->order : order;
}

Result<Order> OrdersServiceImpl::Ship(std::string_view order_id, std::string_view carrier,
                                      std::string_view tracking_number, std::string_view actor) {
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<Order> {
    auto moved = MoveIn(tx, order_id, OrderStatus::kShipped,
                        fmt::format("Shipped with {} ({})", carrier, tracking_number), actor);
    if (!moved) return moved;
    OrderRepository::SetShipment(tx.sql(), moved->id, std::string(carrier), std::string(tracking_number),
                                 deps_.clock.NowMs());
    moved->carrier = carrier;
    moved->tracking_number = tracking_number;
    return moved;
  });
}

Result<Order> OrdersServiceImpl::Deliver(std::string_view order_id, std::string_view actor) {
  return Move(order_id, OrderStatus::kDelivered, "Delivered", actor);
}

Result<Order> OrdersServiceImpl::Release(std::string_view order_id, bool approve, std::string_view actor) {
  auto stored = Load(order_id);
  if (!stored) return UnknownOrder();
  const Order& order = stored->order;
  if (order.status != OrderStatus::kOnHold) {
    return Error::Conflict(fmt::format("a {} order is not on hold", OrderStatusName(order.status)));
  }
  if (!approve) {
    Viewer staff;
    staff.customer_id = std::string(actor);
    staff.staff = true;
    return Cancel(order_id, staff, "rejected by staff");
  }
  Note(order.id, "Approved by staff; capturing the payment", actor);
  auto captured = deps_.payments.Capture(order.payment_id);
  if (!captured) return captured.error();
  // The capture's payment_succeeded event moves the order to PAID.
  auto after = Load(order.id);
  return after ? after->order : order;
}

}  // namespace shop::orders
