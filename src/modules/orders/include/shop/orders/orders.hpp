#pragma once
/// The orders module's contract (DESIGN §4, the order lifecycle): checkout
/// turns a cart into an order, and the order follows its payment
///
///   PENDING_PAYMENT ─paid─▶ PAID ─ship─▶ SHIPPED ─deliver─▶ DELIVERED
///   PENDING_PAYMENT ─▶ CANCELLED (shopper or staff before payment, payment
///                      canceled or declined for good, screening reject)
///                   ─▶ EXPIRED   (no payment before the reservation's TTL)
///                   ─▶ ON_HOLD   (screening asked for review) ─▶ PAID | CANCELLED
///   PAID / SHIPPED / DELIVERED / PARTIALLY_REFUNDED ─refund─▶ PARTIALLY_REFUNDED | REFUNDED
///
/// Any other transition is refused (kConflict). Every transition, and every
/// notable fact (a declined card, a refund), is a row of the order's
/// timeline, written in the transaction that makes the change together with
/// its event (shop/orders/events.hpp).
///
/// Checkout is all or nothing: the stock is reserved synchronously through
/// the inventory interface (kOutOfStock naming every short SKU), then the
/// order, its lines, its timeline and its payment intent are committed in
/// one transaction; if that fails the reservation is released again. A crash
/// between the two leaves a reservation without an order, which its expiry
/// releases.
///
/// Plain synchronous C++, thread-safe, callable from the blocking pool.
///
/// Errors: kInvalidInput (malformed field, listed in Error::fields);
/// kNotFound (no such order, or not the caller's — the same answer);
/// kOutOfStock (checkout: Error::fields names the short SKUs);
/// kUnprocessable (an empty cart, a refund over what was paid);
/// kConflict (the order's status does not allow the call).

#include "platform/core/error.hpp"
#include "platform/money/money.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::platform::db {
class Tx;
}

namespace shop::orders {

enum class OrderStatus {
  kPendingPayment,
  kPaid,
  kShipped,
  kDelivered,
  kCancelled,
  kExpired,
  kOnHold,
  kRefunded,
  kPartiallyRefunded,
};
/// "PENDING_PAYMENT", "PAID", ... (DESIGN §5: UPPER_SNAKE).
std::string_view OrderStatusName(OrderStatus status);
std::optional<OrderStatus> ParseOrderStatus(std::string_view name);

/// Who is asking. A guest proves access to one order with its token.
struct Viewer {
  std::optional<std::string> customer_id;  ///< signed in
  bool staff = false;
  std::optional<std::string> order_token;  ///< X-Order-Token
};

struct Address {
  std::string name;
  std::string line1;
  std::string line2;
  std::string city;
  std::string postal_code;
  std::string country;  ///< ISO 3166 alpha-2, upper case
};

struct OrderLine {
  std::string sku;
  std::string product_slug;
  std::string name;
  std::vector<std::pair<std::string, std::string>> options;
  std::int64_t quantity = 0;
  platform::money::Money unit_price;
  platform::money::Money line_total;
};

/// One entry of an order's audit trail.
struct TimelineEntry {
  std::string id;
  std::optional<OrderStatus> from;  ///< set when the status changed
  std::optional<OrderStatus> to;
  std::string note;
  std::string actor;
  std::int64_t at_ms = 0;
};

struct Order {
  std::string id;
  std::int64_t number = 0;  ///< human order number, unique, increasing
  OrderStatus status = OrderStatus::kPendingPayment;
  std::string customer_id;  ///< "" for a guest order
  std::string email;
  std::string cart_id;
  std::vector<OrderLine> lines;
  platform::money::Money subtotal;
  platform::money::Money shipping;
  platform::money::Money tax;
  platform::money::Money total;
  platform::money::Money refunded;
  bool prices_include_tax = true;
  std::string shipping_method;
  std::string shipping_method_name;
  Address shipping_address;
  std::string payment_id;
  std::string carrier;
  std::string tracking_number;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

struct PlacedOrder;

struct CheckoutRequest {
  std::string cart_id;
  std::string email;
  Address shipping_address;
  std::optional<std::string> shipping_method;  ///< nullopt → the cheapest for the country
  /// Runs inside the order's transaction once the order is written, with
  /// what Checkout will return (e.g. to store an idempotent request's
  /// response with it). May run more than once if the transaction is
  /// retried; only the committed run counts.
  std::function<void(platform::db::Tx&, const PlacedOrder&)> in_transaction;
};

/// What checkout returns: the order, its payment intent's handle for the
/// shopper's browser, and (guests only, this once) the order token.
struct PlacedOrder {
  Order order;
  std::string payment_status;  ///< the intent's status name
  std::string client_secret;
  std::optional<std::string> guest_token;
};

/// Staff list filters; every field optional.
struct OrderFilter {
  std::optional<OrderStatus> status;
  std::optional<std::int64_t> from_ms;  ///< created at or after
  std::optional<std::int64_t> to_ms;    ///< created before
  std::optional<std::string> customer_id;
  std::optional<std::int64_t> number;
  std::optional<std::string> email;
};

struct OrderPage {
  std::vector<Order> items;  ///< newest first; lines are not loaded in lists
  std::optional<std::string> next_cursor;
};

class OrdersService {
 public:
  virtual ~OrdersService() = default;

  /// Places an order from the cart (see the header comment). The caller is
  /// the cart's owner (`viewer.customer_id`) or a guest.
  virtual Result<PlacedOrder> Checkout(const CheckoutRequest& request, const Viewer& viewer) = 0;

  /// The order with its lines, for its owner, staff, or a guest holding its token.
  virtual Result<Order> Get(std::string_view order_id, const Viewer& viewer) = 0;
  virtual Result<std::vector<TimelineEntry>> Timeline(std::string_view order_id, const Viewer& viewer) = 0;

  /// The customer's own orders, newest first; `limit` 1..100.
  virtual Result<OrderPage> ListForCustomer(std::string_view customer_id, int limit, std::string_view cursor) = 0;
  /// Staff: all orders matching `filter`, newest first.
  virtual Result<OrderPage> List(const OrderFilter& filter, int limit, std::string_view cursor) = 0;

  /// Cancels an order that is not paid yet (PENDING_PAYMENT or ON_HOLD):
  /// voids its payment and releases its stock. kConflict once paid (refund
  /// it instead). Idempotent on a CANCELLED order.
  virtual Result<Order> Cancel(std::string_view order_id, const Viewer& viewer, std::string_view reason) = 0;

  /// Staff: refunds `amount` of a paid order through payments; the order
  /// becomes PARTIALLY_REFUNDED / REFUNDED when the refund succeeds. With
  /// `restock`, the sold units go back on hand once the order is refunded in full.
  virtual Result<Order> Refund(std::string_view order_id, const platform::money::Money& amount,
                               std::string_view reason, bool restock, std::string_view actor) = 0;

  /// Staff: hands a paid order to a carrier (→ SHIPPED), then DELIVERED.
  virtual Result<Order> Ship(std::string_view order_id, std::string_view carrier, std::string_view tracking_number,
                             std::string_view actor) = 0;
  virtual Result<Order> Deliver(std::string_view order_id, std::string_view actor) = 0;

  /// Staff decision on an ON_HOLD order: approve captures the payment, reject voids it.
  virtual Result<Order> Release(std::string_view order_id, bool approve, std::string_view actor) = 0;
};

}  // namespace shop::orders
