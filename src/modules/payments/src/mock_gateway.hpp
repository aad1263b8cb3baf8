#pragma once
// The mock card gateway standing in for a real provider (DESIGN §4): it
// decides by test card number, keeps its own ledger of operations by
// idempotency key (payments_gateway_operations), and reports every outcome a
// second time through a signed webhook queued in payments_webhook_deliveries,
// which WebhookSender delivers asynchronously, like a real provider.
//
// Test cards: 4242424242424242 authorises; 4000000000000002 is declined
// (card_declined); 4000000000009995 is declined (insufficient_funds);
// 4000000000003220 requires action and is authorised by webhook
// action_delay later. Any other number is declined (incorrect_number).
//
// Thread-safe.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>
#include <string>

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/ids/ids.hpp"
#include "provider.hpp"
#include "provider_event.hpp"

namespace shop::payments {

inline constexpr std::string_view kCardSucceeds = "4242424242424242";
inline constexpr std::string_view kCardDeclined = "4000000000000002";
inline constexpr std::string_view kCardInsufficientFunds = "4000000000009995";
inline constexpr std::string_view kCardRequiresAction = "4000000000003220";

struct MockGatewayOptions {
  std::chrono::milliseconds latency{0};       ///< added to every call
  int failure_rate_percent = 0;               ///< calls failing as unavailable, performing nothing
  std::chrono::milliseconds action_delay{1000};  ///< REQUIRES_ACTION → authorised webhook after this
  /// Called after a commit that queued a webhook (wakes the sender).
  std::function<void()> webhook_queued;
};

class MockGateway final : public PaymentProvider {
 public:
  MockGateway(platform::db::Db& db, const platform::Clock& clock, platform::IdGenerator& ids,
              MockGatewayOptions options);

  Result<AuthorizeResult> Authorize(const AuthorizeRequest& request, std::chrono::milliseconds timeout) override;
  Result<void> Capture(const std::string& idempotency_key, const std::string& payment_id,
                       const platform::money::Money& amount, std::chrono::milliseconds timeout) override;
  Result<void> Void(const std::string& idempotency_key, const std::string& payment_id,
                    std::chrono::milliseconds timeout) override;
  Result<RefundResult> Refund(const std::string& idempotency_key, const std::string& payment_id,
                              const std::string& refund_id, const platform::money::Money& amount,
                              std::chrono::milliseconds timeout) override;

  /// Calls that reached the gateway (including failed ones).
  std::int64_t calls() const { return calls_.load(); }
  /// Captures actually performed: money taken from a card. A repeated key
  /// does not count.
  std::int64_t charges() const { return charges_.load(); }

  /// Changes the simulated failure rate at run time (tests, drills).
  void SetFailureRate(int percent) { failure_rate_percent_.store(percent); }

 private:
  // Latency, the timeout and the failure rate: kUnavailable when the call
  // "did not reach" the gateway, which then performed nothing.
  Result<void> Simulate(std::chrono::milliseconds timeout);
  // Runs `perform` once per idempotency key inside a transaction and
  // returns its stored result text; repeats return the stored text.
  std::string Once(const std::string& key, const std::string& kind, const std::string& payment_id,
                   std::int64_t amount, const std::function<std::string(platform::db::Tx&)>& perform);
  void QueueWebhook(platform::db::Tx& tx, ProviderEvent event, std::int64_t delay_ms);

  platform::db::Db& db_;
  const platform::Clock& clock_;
  platform::IdGenerator& ids_;
  const MockGatewayOptions options_;
  std::atomic<int> failure_rate_percent_;
  std::atomic<std::int64_t> calls_{0};
  std::atomic<std::int64_t> charges_{0};
  std::mutex random_mutex_;
  std::mt19937_64 random_;
};

}  // namespace shop::payments
