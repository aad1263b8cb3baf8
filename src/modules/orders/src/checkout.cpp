// Checkout: a cart becomes an order, all or nothing (orders.hpp).
#include "orders_service.hpp"

#include "platform/core/crash_points.hpp"
#include "platform/crypto/hmac.hpp"
#include "platform/log/log.hpp"
#include "shop/orders/events.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace shop::orders {

namespace db = platform::db;

namespace {

std::vector<inventory::ReservationLine> ReservationLines(const cart::Cart& cart) {
  std::vector<inventory::ReservationLine> out;
  out.reserve(cart.lines.size());
  for (const cart::CartLine& line : cart.lines) out.push_back({inventory::Sku{line.sku}, line.quantity});
  return out;
}

std::vector<OrderLine> Snapshot(const cart::Cart& cart) {
  std::vector<OrderLine> out;
  out.reserve(cart.lines.size());
  for (const cart::CartLine& line : cart.lines) {
    out.push_back(OrderLine{.sku = line.sku,
                            .product_slug = line.product_slug,
                            .name = line.name,
                            .options = line.options,
                            .quantity = line.quantity,
                            .unit_price = line.unit_price,
                            .line_total = line.line_total});
  }
  return out;
}

Error ShortLines(const cart::Cart& cart) {
  std::vector<FieldError> fields;
  for (const cart::CartLine& line : cart.lines) {
    if (line.quantity > line.available) {
      fields.push_back({line.sku, fmt::format("{} requested, {} available", line.quantity, line.available)});
    }
  }
  return Error{ErrorCode::kOutOfStock, "not enough stock for some lines", std::move(fields)};
}

}  // namespace

Result<PlacedOrder> OrdersServiceImpl::Checkout(const CheckoutRequest& request, const Viewer& viewer) {
  const cart::Caller caller{viewer.customer_id};
  auto quote = deps_.cart.Quote(cart::QuoteRequest{.cart_id = request.cart_id,
                                                   .country = request.shipping_address.country,
                                                   .shipping_method = request.shipping_method},
                                caller);
  if (!quote) return quote.error();
  if (quote->lines.empty()) return Error::Unprocessable("the cart is empty");
  // The live availability the quote read is only a hint: the reservation
  // below decides. Refusing here spares the write when the shortage is plain.
  if (quote->HasShortLines()) return ShortLines(*quote);
  if (!quote->shipping) return Error::InvalidInput("no shipping method for this destination",
                                                   {{"shipping_address.country", "the shop does not ship there"}});

  const std::string order_id = deps_.ids.NewId();
  const std::int64_t now = deps_.clock.NowMs();
  const std::int64_t expires = now + deps_.config.orders.reservation_ttl_seconds * 1000;
  const std::vector<inventory::ReservationLine> reservation = ReservationLines(*quote);

  StoredOrder stored;
  Order& o = stored.order;
  o.id = order_id;
  o.status = OrderStatus::kPendingPayment;
  o.customer_id = viewer.customer_id.value_or("");
  o.email = request.email;
  o.cart_id = quote->id;
  o.lines = Snapshot(*quote);
  o.subtotal = quote->subtotal;
  o.shipping = quote->shipping->price;
  o.tax = quote->tax;
  o.total = quote->total;
  o.refunded = platform::money::Zero(quote->total.currency);
  o.prices_include_tax = quote->prices_include_tax;
  o.shipping_method = quote->shipping->id;
  o.shipping_method_name = quote->shipping->name;
  o.shipping_address = request.shipping_address;
  o.created_at_ms = now;
  o.updated_at_ms = now;
  std::optional<std::string> guest_token;
  if (!viewer.customer_id) {
    guest_token = deps_.ids.NewToken(32);
    stored.guest_token_hash = platform::crypto::Sha256Hex(*guest_token);
  }

  // On PostgreSQL the counter row, taken inside the order's transaction,
  // would stay locked until its commit and queue every checkout behind the
  // one before (seen as the slowest statement under load). Drawn in its own
  // statement it is locked for microseconds; a failed checkout then leaves
  // a gap in the numbers, as a rollback always could. SQLite has one writer
  // at a time anyway, so there it stays inside.
  std::optional<std::int64_t> number;
  if (deps_.db.dialect() == db::Dialect::kPostgres) {
    number = deps_.db.WithSession([](soci::session& sql) { return OrderRepository::NextNumber(sql); });
  }

  // The reservation, the order and its payment intent are one transaction:
  // a failure anywhere (a short SKU included) leaves nothing reserved.
  return deps_.db.InTransaction([&](db::Tx& tx) -> Result<PlacedOrder> {
    if (auto reserved = deps_.inventory.Reserve(tx, order_id, reservation, expires); !reserved) {
      return reserved.error();
    }
    // Crash-safety tests die here: reserved, not committed; the restart
    // finds neither the reservation nor an order.
    platform::CrashPoint("orders.after_reservation");
    auto intent = deps_.payments.CreateIntent(tx, order_id, o.total);
    if (!intent) return intent.error();
    Order order = o;
    order.payment_id = intent->id;
    order.number = number ? *number : OrderRepository::NextNumber(tx.sql());
    StoredOrder row{order, stored.guest_token_hash};
    OrderRepository::Insert(tx.sql(), row);
    OrderRepository::AddTimeline(tx.sql(), order.id,
                                 TimelineEntry{.id = deps_.ids.NewId(),
                                               .from = std::nullopt,
                                               .to = OrderStatus::kPendingPayment,
                                               .note = fmt::format("Order placed; stock reserved for {} s",
                                                                   deps_.config.orders.reservation_ttl_seconds),
                                               .actor = viewer.customer_id ? *viewer.customer_id : "guest",
                                               .at_ms = now});
    deps_.outbox.Publish(tx, order.id,
                         events::OrderPlaced{order.id, order.number, order.customer_id, order.email, order.total.amount,
                                             std::string(order.total.currency.Code()), order.payment_id});
    PlacedOrder placed{.order = std::move(order),
                       .payment_status = std::string(payments::PaymentStatusName(intent->status)),
                       .client_secret = intent->client_secret,
                       .guest_token = guest_token};
    if (request.in_transaction) request.in_transaction(tx, placed);
    return placed;
  });
}

}  // namespace shop::orders
