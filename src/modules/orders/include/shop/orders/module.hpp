#pragma once
/// How the composition root (src/app) builds and wires the orders module.
/// Other modules use orders.hpp, events.hpp and screening.hpp only.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/events/outbox.hpp"
#include "platform/http/router.hpp"
#include "platform/ids/ids.hpp"
#include "platform/templates/templates.hpp"
#include "shop/cart/cart.hpp"
#include "shop/identity/identity.hpp"
#include "shop/inventory/inventory.hpp"
#include "shop/orders/orders.hpp"
#include "shop/orders/screening.hpp"
#include "shop/payments/payments.hpp"

#include <memory>

namespace shop::orders {

struct OrdersModuleDeps {
  const platform::config::Config& config;
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::templates::Templates& templates;
  cart::CartService& cart;
  identity::IdentityService& identity;
  inventory::InventoryService& inventory;
  payments::PaymentsService& payments;
  /// The screening step; nullptr → the fixed policy `orders.screening_policy`.
  Screening* screening = nullptr;
};

class OrdersModule {
 public:
  explicit OrdersModule(OrdersModuleDeps deps);
  ~OrdersModule();
  OrdersModule(const OrdersModule&) = delete;
  OrdersModule& operator=(const OrdersModule&) = delete;

  OrdersService& service();

  /// POST /api/v1/checkout, /api/v1/orders*, /api/v1/admin/orders*, the
  /// storefront's /checkout, /orders/{id} and /account/orders, and the
  /// staff pages /admin/orders*. Needs the identity middleware installed.
  void RegisterRoutes(platform::http::Router& router);

  /// The order's reactions to its payment and its reservation:
  /// payments.payment_authorized.v1 → screen, then capture / hold / void;
  /// payment_succeeded → commit the stock, PAID, clear the cart;
  /// payment_failed → timeline; payment_canceled → release, CANCELLED;
  /// refund_succeeded → (PARTIALLY_)REFUNDED; inventory.reservation_expired → EXPIRED.
  void RegisterSubscriptions(platform::events::Bus& bus);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::orders
