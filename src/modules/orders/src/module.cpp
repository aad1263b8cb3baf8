// The orders module as the composition root sees it (module.hpp).
#include "shop/orders/module.hpp"

#include "http/env.hpp"
#include "orders_service.hpp"

#include <chrono>
#include <stdexcept>

namespace shop::orders {

namespace {

std::unique_ptr<Screening> ConfiguredScreening(const platform::config::Config& config) {
  auto verdict = ParseScreeningPolicy(config.orders.screening_policy);
  if (!verdict) throw std::invalid_argument("orders.screening_policy must be approve, review or reject");
  return MakeFixedPolicyScreening(*verdict);
}

}  // namespace

struct OrdersModule::Impl {
  explicit Impl(OrdersModuleDeps d)
      : deps(d),
        fixed_screening(d.screening ? nullptr : ConfiguredScreening(d.config)),
        idempotency(d.db, d.clock, platform::idempotency::kDefaultRetention,
                    platform::idempotency::kDefaultLockTimeout),
        service(OrdersServiceDeps{.db = deps.db,
                                  .outbox = deps.outbox,
                                  .clock = deps.clock,
                                  .ids = deps.ids,
                                  .config = deps.config,
                                  .cart = deps.cart,
                                  .inventory = deps.inventory,
                                  .payments = deps.payments,
                                  .screening = d.screening ? *d.screening : *fixed_screening}),
        env(HttpEnv{.config = deps.config,
                    .clock = deps.clock,
                    .templates = deps.templates,
                    .idempotency = idempotency,
                    .service = service,
                    .cart = deps.cart,
                    .payments = deps.payments,
                    .identity = deps.identity}) {}

  OrdersModuleDeps deps;
  std::unique_ptr<Screening> fixed_screening;
  platform::idempotency::IdempotencyStore idempotency;
  OrdersServiceImpl service;
  HttpEnv env;
};

OrdersModule::OrdersModule(OrdersModuleDeps deps) : impl_(std::make_unique<Impl>(deps)) {}
OrdersModule::~OrdersModule() = default;

OrdersService& OrdersModule::service() { return impl_->service; }

void OrdersModule::RegisterRoutes(platform::http::Router& router) {
  RegisterApi(router, impl_->env);
  RegisterAdminApi(router, impl_->env);
  RegisterAdminPages(router, impl_->env);
  RegisterStorefrontPages(router, impl_->env);
}

void OrdersModule::RegisterSubscriptions(platform::events::Bus& bus) {
  namespace pe = payments::events;
  auto& s = impl_->service;
  auto& db = impl_->deps.db;
  using platform::events::Envelope;
  // Reactions that call other modules run outside a transaction of their
  // own (on SQLite a second writer inside one would wait on itself) and are
  // idempotent by state; the ones that only write the order's timeline use
  // the inbox, so a redelivery writes nothing twice.
  bus.On<pe::PaymentAuthorized>("orders.screen_and_capture",
                                [&s](const pe::PaymentAuthorized& e, const Envelope&) { s.OnPaymentAuthorized(e); });
  bus.On<pe::PaymentSucceeded>("orders.mark_paid",
                               [&s](const pe::PaymentSucceeded& e, const Envelope&) { s.OnPaymentSucceeded(e); });
  bus.On<pe::PaymentCanceled>("orders.cancel_unpaid",
                              [&s](const pe::PaymentCanceled& e, const Envelope&) { s.OnPaymentCanceled(e); });
  bus.OnTransactional<pe::PaymentFailed>(
      db, "orders.note_decline",
      [&s](platform::db::Tx& tx, const pe::PaymentFailed& e, const Envelope&) { s.OnPaymentFailed(tx, e); });
  bus.OnTransactional<pe::RefundSucceeded>(
      db, "orders.mark_refunded",
      [&s](platform::db::Tx& tx, const pe::RefundSucceeded& e, const Envelope&) { s.OnRefundSucceeded(tx, e); });
  bus.OnTransactional<pe::RefundFailed>(
      db, "orders.note_refund_failure",
      [&s](platform::db::Tx& tx, const pe::RefundFailed& e, const Envelope&) { s.OnRefundFailed(tx, e); });
  bus.On<inventory::events::ReservationExpired>(
      "orders.expire_unpaid",
      [&s](const inventory::events::ReservationExpired& e, const Envelope&) { s.OnReservationExpired(e); });
}

}  // namespace shop::orders
