#pragma once
// A real payments service with the real mock gateway on a fresh database of
// one backend, with a manual clock and helpers to look at what was written.

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mock_gateway.hpp"
#include "payments_service.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/crypto/signature.hpp"
#include "platform/events/envelope.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "provider_guard.hpp"
#include "support/test_database.hpp"
#include "webhook_queue.hpp"
#include "webhook_receiver.hpp"

namespace shop::payments::testing {

inline constexpr const char* kAuthorizedEvent = "payments.payment_authorized.v1";
inline constexpr const char* kSucceededEvent = "payments.payment_succeeded.v1";
inline constexpr const char* kFailedEvent = "payments.payment_failed.v1";
inline constexpr const char* kCanceledEvent = "payments.payment_canceled.v1";
inline constexpr const char* kRefundSucceededEvent = "payments.refund_succeeded.v1";
inline constexpr const char* kRefundFailedEvent = "payments.refund_failed.v1";
inline constexpr const char* kSecret = "whsec_test_secret";

inline CardDetails Card(std::string_view number) { return CardDetails{std::string(number), 12, 2099, "123"}; }

inline platform::money::Money Eur(std::int64_t minor) {
  return platform::money::Money{minor, platform::money::Currency::FromCode("EUR").value()};
}

inline platform::config::PaymentsConfig DefaultConfig() {
  platform::config::PaymentsConfig c;
  c.webhook_secrets = kSecret;
  return c;
}

struct QueuedRow {
  std::string event_id;
  std::string payload;
};

class PaymentsFixture {
 public:
  // First member: the id generator, outbox and gateway hold a reference to it.
  platform::ManualClock clock;

  explicit PaymentsFixture(shop::testing::TestDatabase& database, std::size_t pool_size = 4,
                           platform::config::PaymentsConfig config = DefaultConfig(), MockGatewayOptions mock = {})
      : db_(database.Open(pool_size)), ids_(clock), outbox_(clock, ids_), config_(std::move(config)) {
    shop::testing::ApplyMigrations(*db_, {"platform", "payments"});
    gateway_ = std::make_unique<MockGateway>(*db_, clock, ids_, mock);
    guard_ = std::make_unique<ProviderGuard>(
        *gateway_, clock,
        ProviderGuardOptions{.timeout = std::chrono::milliseconds(config_.provider_timeout_ms),
                             .breaker = {.failure_threshold = static_cast<int>(config_.breaker_failure_threshold),
                                         .open_duration = std::chrono::milliseconds(config_.breaker_open_ms)}});
    service_ = std::make_unique<PaymentsServiceImpl>(
        PaymentsServiceDeps{*db_, outbox_, clock, ids_, *guard_, config_});
  }

  PaymentsServiceImpl& service() { return *service_; }
  MockGateway& gateway() { return *gateway_; }
  ProviderGuard& guard() { return *guard_; }
  platform::db::Db& db() { return *db_; }

  /// A new intent for a fresh order, as the orders module would create it.
  PaymentIntent NewIntent(std::int64_t amount = 5000, std::string order_id = {}) {
    if (order_id.empty()) order_id = "order-" + ids_.NewToken(8);
    auto intent = db_->InTransaction([&](platform::db::Tx& tx) { return service_->CreateIntent(tx, order_id, Eur(amount)); });
    if (!intent) throw std::runtime_error("create intent failed: " + intent.error().detail);
    return *intent;
  }

  /// A new intent confirmed with the succeeding test card (AUTHORIZED).
  PaymentIntent Authorized(std::int64_t amount = 5000) {
    PaymentIntent intent = NewIntent(amount);
    auto confirmed = service_->Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    if (!confirmed || confirmed->status != PaymentStatus::kAuthorized) throw std::runtime_error("authorize failed");
    return *confirmed;
  }

  /// A new intent authorised and captured (SUCCEEDED).
  PaymentIntent Captured(std::int64_t amount = 5000) {
    PaymentIntent intent = Authorized(amount);
    auto captured = service_->Capture(intent.id);
    if (!captured) throw std::runtime_error("capture failed: " + captured.error().detail);
    return *captured;
  }

  std::int64_t Count(const std::string& sql_text) {
    return db_->WithSession([&](soci::session& sql) {
      long long n = 0;
      sql << sql_text, soci::into(n);
      return static_cast<std::int64_t>(n);
    });
  }

  /// Outbox events of `type` for aggregate `payment_id`, in sequence.
  std::vector<boost::json::object> Events(const std::string& type, const std::string& payment_id) {
    return db_->WithSession([&](soci::session& sql) {
      std::vector<boost::json::object> out;
      std::string t, payload;
      soci::statement st = (sql.prepare << "SELECT type, payload FROM events_outbox WHERE aggregate_id = :a"
                                           " ORDER BY aggregate_seq",
                            soci::use(payment_id), soci::into(t), soci::into(payload));
      st.execute();
      while (st.fetch()) {
        if (t == type) out.push_back(boost::json::parse(payload).as_object());
      }
      return out;
    });
  }

  /// The webhooks the mock gateway queued for `payment_id`, oldest first.
  std::vector<QueuedRow> Queued(const std::string& payment_id) {
    return db_->WithSession([&](soci::session& sql) {
      std::vector<QueuedRow> out;
      QueuedRow row;
      soci::statement st = (sql.prepare << "SELECT event_id, payload FROM payments_webhook_deliveries"
                                           " ORDER BY created_at_ms, next_attempt_at_ms, event_id",
                            soci::into(row.event_id), soci::into(row.payload));
      st.execute();
      while (st.fetch()) {
        if (row.payload.find(payment_id) != std::string::npos) out.push_back(row);
      }
      return out;
    });
  }

  /// Delivers `body` to the webhook receiver as the provider would, signed now.
  Result<WebhookReceipt> Deliver(const std::string& body, const std::string& secret = kSecret) {
    const std::int64_t now = clock.NowMs() / 1000;
    return ReceiveWebhook(*service_, platform::crypto::SignPayload(secret, now, body), body, {kSecret}, now, 300);
  }

 private:
  std::unique_ptr<platform::db::Db> db_;
  platform::RandomIdGenerator ids_;
  platform::events::Outbox outbox_;
  platform::config::PaymentsConfig config_;
  std::unique_ptr<MockGateway> gateway_;
  std::unique_ptr<ProviderGuard> guard_;
  std::unique_ptr<PaymentsServiceImpl> service_;
};

}  // namespace shop::payments::testing
