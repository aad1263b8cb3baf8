#pragma once
// The real orders service on a fresh database of one backend, beside the
// real inventory module on the same database. Cart and payments are
// in-memory doubles of their contracts: these tests are about what orders
// does with their answers (the real modules are exercised end to end in
// tests/e2e).

#include <doctest/doctest.h>

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "orders_service.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "platform/templates/templates.hpp"
#include "shop/inventory/module.hpp"
#include "support/test_database.hpp"

namespace shop::orders::testing {

using platform::money::Money;

inline platform::money::Currency Eur() { return *platform::money::Currency::FromCode("EUR"); }
inline Money Eur(std::int64_t amount) { return Money{amount, Eur()}; }

/// A cart double: lines with fixed prices, priced like the real one
/// (subtotal + a flat 4.90 shipping to DE, tax-inclusive, 19 %).
class FakeCart final : public cart::CartService {
 public:
  void Put(const std::string& cart_id, std::vector<std::pair<std::string, std::int64_t>> lines,
           std::int64_t unit_price = 1000, std::optional<std::string> customer = std::nullopt) {
    std::lock_guard lock(mutex_);
    carts_[cart_id] = {std::move(lines), unit_price, std::move(customer)};
  }
  int cleared(const std::string& cart_id) {
    std::lock_guard lock(mutex_);
    return cleared_[cart_id];
  }
  /// Availability the quotes report (default: plenty).
  std::int64_t available = 1'000'000;

  Result<cart::Cart> Quote(const cart::QuoteRequest& request, const cart::Caller& caller) override {
    std::lock_guard lock(mutex_);
    auto it = carts_.find(request.cart_id);
    if (it == carts_.end() || (it->second.customer && it->second.customer != caller.customer_id)) {
      return Error::NotFound("no such cart");
    }
    if (request.country != "DE") return Error::InvalidInput("the shop does not ship there");
    cart::Cart c;
    c.id = request.cart_id;
    c.country = request.country;
    std::int64_t subtotal = 0;
    for (const auto& [sku, quantity] : it->second.lines) {
      cart::CartLine line;
      line.sku = sku;
      line.product_slug = "product-" + sku;
      line.name = "Product " + sku;
      line.options = {{"size", "M"}};
      line.quantity = quantity;
      line.available = available;
      line.unit_price = Eur(it->second.unit_price);
      line.line_total = Eur(it->second.unit_price * quantity);
      subtotal += it->second.unit_price * quantity;
      c.lines.push_back(line);
    }
    c.shipping = cart::ShippingOption{"standard", "Standard", Eur(490)};
    c.subtotal = Eur(subtotal);
    c.total = Eur(subtotal + 490);
    c.tax = Eur((subtotal + 490) * 19 / 119);
    c.prices_include_tax = true;
    return c;
  }
  Result<void> Clear(std::string_view cart_id) override {
    std::lock_guard lock(mutex_);
    ++cleared_[std::string(cart_id)];
    return {};
  }

  // Not used by orders.
  Result<cart::Cart> Create(const cart::Caller&) override { return Unused(); }
  Result<cart::Cart> Get(std::string_view, const cart::Caller&) override { return Unused(); }
  Result<cart::Cart> AddItem(std::string_view, const cart::Caller&, std::string_view, std::int64_t) override {
    return Unused();
  }
  Result<cart::Cart> SetQuantity(std::string_view, const cart::Caller&, std::string_view, std::int64_t) override {
    return Unused();
  }
  Result<cart::Cart> RemoveItem(std::string_view, const cart::Caller&, std::string_view) override { return Unused(); }
  Result<cart::Cart> CartOfCustomer(std::string_view) override { return Unused(); }
  Result<cart::Cart> BindToCustomer(std::string_view, std::string_view) override { return Unused(); }
  Result<std::vector<cart::ShippingOption>> ShippingOptions(std::string_view,
                                                            std::optional<std::string_view>) override {
    return Error::Internal("not used by orders");
  }

 private:
  static Error Unused() { return Error::Internal("not used by orders"); }
  struct Stored {
    std::vector<std::pair<std::string, std::int64_t>> lines;
    std::int64_t unit_price = 0;
    std::optional<std::string> customer;
  };
  std::mutex mutex_;
  std::map<std::string, Stored> carts_;
  std::map<std::string, int> cleared_;
};

/// A payments double that keeps intents in memory and counts provider calls.
class FakePayments final : public payments::PaymentsService {
 public:
  using Status = payments::PaymentStatus;
  bool fail_create = false;

  Result<payments::PaymentIntent> CreateIntent(platform::db::Tx&, std::string_view order_id,
                                               const Money& amount) override {
    if (fail_create) return Error::Unavailable("provider down");
    std::lock_guard lock(mutex_);
    payments::PaymentIntent pi;
    pi.id = fmt::format("pi_{}", ++next_);
    pi.order_id = order_id;
    pi.amount = amount;
    pi.client_secret = pi.id + "_secret";
    intents_[pi.id] = pi;
    return pi;
  }
  Result<payments::PaymentIntent> Confirm(std::string_view id, std::string_view secret,
                                          const payments::CardDetails& card) override {
    std::lock_guard lock(mutex_);
    auto it = intents_.find(std::string(id));
    if (it == intents_.end() || it->second.client_secret != secret) return Error::NotFound("no such payment");
    if (it->second.status != Status::kRequiresPaymentMethod) return Error::Conflict("not awaiting a card");
    if (card.number == "4000000000000002") {
      it->second.last_error = "card_declined";
      ++it->second.failed_attempts;
    } else {
      it->second.status = Status::kAuthorized;
    }
    return it->second;
  }
  Result<payments::PaymentIntent> Get(std::string_view id) override {
    std::lock_guard lock(mutex_);
    auto it = intents_.find(std::string(id));
    if (it == intents_.end()) return Error::NotFound("no such payment");
    return it->second;
  }
  Result<payments::PaymentIntent> GetByOrder(std::string_view order_id) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, pi] : intents_) {
      if (pi.order_id == order_id) return pi;
    }
    return Error::NotFound("no such payment");
  }
  Result<payments::PaymentIntent> Capture(std::string_view id,
                                          const std::function<void(platform::db::Tx&)>& with_capture) override {
    const int before = captures;
    auto captured = Capture(id);
    if (captures > before && with_capture) {
      database->InTransaction([&](platform::db::Tx& tx) { with_capture(tx); });
    }
    return captured;
  }
  Result<payments::PaymentIntent> Capture(std::string_view id) override {
    std::lock_guard lock(mutex_);
    auto& pi = intents_.at(std::string(id));
    if (pi.status == Status::kSucceeded) return pi;
    if (pi.status != Status::kAuthorized) return Error::Conflict("not authorized");
    pi.status = Status::kSucceeded;
    pi.captured = pi.amount;
    ++captures;
    return pi;
  }
  Result<payments::PaymentIntent> Cancel(std::string_view id, std::string_view) override {
    std::lock_guard lock(mutex_);
    auto& pi = intents_.at(std::string(id));
    if (pi.status == Status::kSucceeded) return Error::Conflict("already captured");
    if (pi.status != Status::kCanceled) ++voids;
    pi.status = Status::kCanceled;
    return pi;
  }
  Result<payments::Refund> CreateRefund(std::string_view id, const Money& amount, std::string_view reason,
                                        std::string_view actor) override {
    std::lock_guard lock(mutex_);
    auto& pi = intents_.at(std::string(id));
    if (pi.status != Status::kSucceeded) return Error::Conflict("not captured");
    if (pi.refunded.amount + amount.amount > pi.captured.amount) return Error::Unprocessable("more than captured");
    pi.refunded.amount += amount.amount;
    payments::Refund r;
    r.id = fmt::format("re_{}", ++next_);
    r.payment_id = pi.id;
    r.order_id = pi.order_id;
    r.amount = amount;
    r.reason = reason;
    r.actor = actor;
    refunds.push_back(r);
    return r;
  }
  std::vector<payments::Refund> Refunds(std::string_view) override { return refunds; }

  /// What the provider's webhook would do: the intent becomes AUTHORIZED.
  void Authorize(const std::string& id) {
    std::lock_guard lock(mutex_);
    intents_.at(id).status = Status::kAuthorized;
  }
  Status StatusOf(const std::string& id) {
    std::lock_guard lock(mutex_);
    return intents_.at(id).status;
  }

  int captures = 0;
  int voids = 0;
  // The orders database, where Capture runs its caller's with_capture.
  platform::db::Db* database = nullptr;
  std::vector<payments::Refund> refunds;

 private:
  std::mutex mutex_;
  int next_ = 0;
  std::map<std::string, payments::PaymentIntent> intents_;
};

class OrdersFixture {
 public:
  platform::ManualClock clock{1'750'000'000'000};

  explicit OrdersFixture(shop::testing::TestDatabase& database, std::size_t pool_size = 4,
                         ScreeningVerdict policy = ScreeningVerdict::kApprove)
      : db_(database.Open(pool_size)),
        ids_(clock),
        outbox_(clock, ids_),
        templates_(std::filesystem::path(SHOPD_SOURCE_DIR) / "web" / "templates", false),
        screening_(MakeFixedPolicyScreening(policy)) {
    shop::testing::ApplyMigrations(*db_, {"platform", "inventory", "orders"});
    payments.database = db_.get();
    config_.inventory.sweep_enabled = false;
    inventory_ = std::make_unique<inventory::InventoryModule>(inventory::InventoryModuleDeps{
        .config = config_, .db = *db_, .outbox = outbox_, .clock = clock, .ids = ids_, .templates = templates_});
    service_ = std::make_unique<OrdersServiceImpl>(OrdersServiceDeps{.db = *db_,
                                                                     .outbox = outbox_,
                                                                     .clock = clock,
                                                                     .ids = ids_,
                                                                     .config = config_,
                                                                     .cart = cart,
                                                                     .inventory = inventory(),
                                                                     .payments = payments,
                                                                     .screening = *screening_});
  }

  FakeCart cart;
  FakePayments payments;

  OrdersServiceImpl& service() { return *service_; }
  inventory::InventoryService& inventory() { return inventory_->service(); }
  platform::db::Db& db() { return *db_; }
  platform::config::Config& config() { return config_; }

  void Stock(const std::string& sku, std::int64_t on_hand) {
    auto level = inventory().ReceiveMany({{inventory::Sku{sku}, on_hand}}, "initial stock", "test");
    if (!level) throw std::runtime_error("stock failed: " + level.error().detail);
  }
  inventory::StockLevel Level(const std::string& sku) { return *inventory().Get(inventory::Sku{sku}); }

  static CheckoutRequest Request(const std::string& cart_id) {
    return CheckoutRequest{.cart_id = cart_id,
                           .email = "ada@example.com",
                           .shipping_address = Address{.name = "Ada Lovelace",
                                                       .line1 = "Hauptstr. 1",
                                                       .line2 = "",
                                                       .city = "Berlin",
                                                       .postal_code = "10115",
                                                       .country = "DE"},
                           .shipping_method = std::nullopt};
  }

  /// A guest order for `quantity` of `sku` (stocked by the caller).
  PlacedOrder PlaceGuestOrder(const std::string& sku, std::int64_t quantity = 1) {
    const std::string cart_id = "cart-" + std::to_string(++carts_);
    cart.Put(cart_id, {{sku, quantity}});
    auto placed = service_->Checkout(Request(cart_id), Viewer{});
    if (!placed) throw std::runtime_error("checkout failed: " + placed.error().detail);
    return *placed;
  }

  Order Load(const std::string& id) {
    Viewer staff;
    staff.staff = true;
    auto order = service_->Get(id, staff);
    if (!order) throw std::runtime_error("order not found: " + id);
    return *order;
  }

  std::int64_t Count(const std::string& sql_text) {
    return db_->WithSession([&](soci::session& sql) {
      long long n = 0;
      sql << sql_text, soci::into(n);
      return static_cast<std::int64_t>(n);
    });
  }
  std::int64_t TimelineRows(const std::string& order_id) {
    return Count("SELECT COUNT(*) FROM orders_timeline WHERE order_id = '" + order_id + "'");
  }
  std::int64_t EventsOfType(const std::string& type) {
    return Count("SELECT COUNT(*) FROM events_outbox WHERE type = '" + type + "'");
  }

  /// Payment events as the relay would hand them over.
  payments::events::PaymentAuthorized Authorized(const Order& o) {
    payments.Authorize(o.payment_id);
    return {o.payment_id, o.id, o.total.amount, "EUR", "4242", "fp"};
  }
  payments::events::PaymentSucceeded Succeeded(const Order& o) { return {o.payment_id, o.id, o.total.amount, "EUR"}; }
  payments::events::PaymentCanceled Canceled(const Order& o, std::string reason) {
    return {o.payment_id, o.id, std::move(reason)};
  }

 private:
  std::unique_ptr<platform::db::Db> db_;
  platform::RandomIdGenerator ids_;
  platform::events::Outbox outbox_;
  platform::templates::Templates templates_;
  std::unique_ptr<Screening> screening_;
  platform::config::Config config_;
  std::unique_ptr<inventory::InventoryModule> inventory_;
  std::unique_ptr<OrdersServiceImpl> service_;
  int carts_ = 0;
};

}  // namespace shop::orders::testing
