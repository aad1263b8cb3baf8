#pragma once
// OrdersService over the orders tables, the cart, inventory and payments
// contracts. The implementation is split by job: checkout.cpp places orders,
// orders_service.cpp reads and changes them on request, reactions.cpp moves
// them when their payment or reservation changes.

#include "order_repository.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "shop/cart/cart.hpp"
#include "shop/inventory/inventory.hpp"
#include "shop/orders/orders.hpp"
#include "shop/orders/screening.hpp"
#include "shop/payments/events.hpp"
#include "shop/payments/payments.hpp"
#include "shop/inventory/events.hpp"

#include <string>
#include <string_view>

namespace shop::orders {

struct OrdersServiceDeps {
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::config::Config& config;
  cart::CartService& cart;
  inventory::InventoryService& inventory;
  payments::PaymentsService& payments;
  Screening& screening;
};

/// Who wrote a timeline entry when no person did.
inline constexpr std::string_view kSystemActor = "system";

class OrdersServiceImpl final : public OrdersService {
 public:
  explicit OrdersServiceImpl(OrdersServiceDeps deps);

  Result<PlacedOrder> Checkout(const CheckoutRequest& request, const Viewer& viewer) override;
  Result<Order> Get(std::string_view order_id, const Viewer& viewer) override;
  Result<std::vector<TimelineEntry>> Timeline(std::string_view order_id, const Viewer& viewer) override;
  Result<OrderPage> ListForCustomer(std::string_view customer_id, int limit, std::string_view cursor) override;
  Result<OrderPage> List(const OrderFilter& filter, int limit, std::string_view cursor) override;
  Result<Order> Cancel(std::string_view order_id, const Viewer& viewer, std::string_view reason) override;
  Result<Order> Refund(std::string_view order_id, const platform::money::Money& amount, std::string_view reason,
                       bool restock, std::string_view actor) override;
  Result<Order> Ship(std::string_view order_id, std::string_view carrier, std::string_view tracking_number,
                     std::string_view actor) override;
  Result<Order> Deliver(std::string_view order_id, std::string_view actor) override;
  Result<Order> Release(std::string_view order_id, bool approve, std::string_view actor) override;

  // Reactions (reactions.cpp). Each is idempotent: the relay delivers at
  // least once, and a redelivery finds the order already moved. A handler
  // throws only for a failure worth retrying (a provider that is down).
  void OnPaymentAuthorized(const payments::events::PaymentAuthorized& event);
  void OnPaymentSucceeded(const payments::events::PaymentSucceeded& event);
  void OnPaymentFailed(platform::db::Tx& tx, const payments::events::PaymentFailed& event);
  void OnPaymentCanceled(const payments::events::PaymentCanceled& event);
  void OnRefundSucceeded(platform::db::Tx& tx, const payments::events::RefundSucceeded& event);
  void OnRefundFailed(platform::db::Tx& tx, const payments::events::RefundFailed& event);
  void OnReservationExpired(const inventory::events::ReservationExpired& event);

 private:
  /// The order as stored, for any caller (no access check).
  std::optional<StoredOrder> Load(std::string_view order_id);
  /// `viewer` may see `stored`.
  bool MaySee(const StoredOrder& stored, const Viewer& viewer) const;

  /// Moves the order to `to` inside `tx` if the state machine allows it from
  /// its current status: the conditional UPDATE, the timeline row and the
  /// OrderStatusChanged event. Already in `to` → the order unchanged
  /// (redeliveries), unless `to` may follow itself. kConflict otherwise.
  Result<Order> MoveIn(platform::db::Tx& tx, std::string_view order_id, OrderStatus to, std::string_view note,
                       std::string_view actor);
  Result<Order> Move(std::string_view order_id, OrderStatus to, std::string_view note, std::string_view actor);
  /// A timeline row that records a fact, not a status change.
  void NoteIn(platform::db::Tx& tx, std::string_view order_id, std::string_view note, std::string_view actor);
  void Note(std::string_view order_id, std::string_view note, std::string_view actor);
  /// Empties the order's cart (idempotent); an unreachable store throws, so
  /// the event is delivered again.
  void ClearCart(const Order& order);

  Result<OrderPage> Page(const OrderFilter& filter, int limit, std::string_view cursor);

  const platform::money::Currency& currency() const { return currency_; }

  OrdersServiceDeps deps_;
  platform::money::Currency currency_;
};

/// The fixed policy named by orders.screening_policy ("approve", "review",
/// "reject"); nullopt for any other name.
std::optional<ScreeningVerdict> ParseScreeningPolicy(std::string_view name);

}  // namespace shop::orders
