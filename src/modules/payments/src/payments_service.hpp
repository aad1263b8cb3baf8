#pragma once
// The payments service: intents and refunds over the repositories, every
// state change with its event in one transaction, provider calls through
// ProviderGuard (timeout + circuit breaker), and the provider's webhooks
// applied forward-only.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/outbox.hpp"
#include "platform/ids/ids.hpp"
#include "provider.hpp"
#include "provider_event.hpp"
#include "provider_guard.hpp"
#include "shop/payments/payments.hpp"

namespace shop::payments {

struct IntentRow;
struct RefundRow;

struct PaymentsServiceDeps {
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  ProviderGuard& provider;
  const platform::config::PaymentsConfig& config;
};

class PaymentsServiceImpl final : public PaymentsService {
 public:
  explicit PaymentsServiceImpl(PaymentsServiceDeps deps) : deps_(deps) {}

  Result<PaymentIntent> CreateIntent(platform::db::Tx& tx, std::string_view order_id,
                                     const platform::money::Money& amount) override;
  Result<PaymentIntent> Get(std::string_view payment_id) override;
  Result<PaymentIntent> GetByOrder(std::string_view order_id) override;
  Result<PaymentIntent> Capture(std::string_view payment_id) override;
  Result<PaymentIntent> Capture(std::string_view payment_id,
                                const std::function<void(platform::db::Tx&)>& with_capture) override;
  Result<PaymentIntent> Cancel(std::string_view payment_id, std::string_view reason) override;
  Result<Refund> CreateRefund(std::string_view payment_id, const platform::money::Money& amount,
                              std::string_view reason, std::string_view actor) override;
  std::vector<Refund> Refunds(std::string_view payment_id) override;

  Result<PaymentIntent> Confirm(std::string_view payment_id, std::string_view client_secret,
                                const CardDetails& card) override;

  /// Applies one verified provider webhook, deduplicated on its id in the
  /// same transaction as its effect. True when it changed something; false
  /// for a repeat, a stale (out-of-order) message or an unknown intent. A
  /// webhook that plainly has nothing to add (the synchronous answer came
  /// first, as it usually does) is told by a read and writes nothing.
  bool ApplyWebhook(const ProviderEvent& event);

 private:
  /// Read-only: true when applying `event` could not change anything.
  bool NothingToApply(const ProviderEvent& event);
  PaymentIntent ToIntent(const IntentRow& row) const;
  Refund ToRefund(const RefundRow& row, const std::string& order_id) const;
  // The outcome of one authorisation attempt, applied once per attempt key
  // (by the synchronous answer or the webhook, whichever comes first).
  // With `applied`, the intent as this outcome left it goes there (unset
  // when it was applied before, or when a decline also canceled it).
  bool ApplyAttemptOutcome(platform::db::Tx& tx, const std::string& payment_id, const std::string& attempt_key,
                           ProviderEventType outcome, const std::string& decline_code, bool hard_decline,
                           std::optional<IntentRow>* applied = nullptr);
  // The capture recorded: SUCCEEDED and its event. The intent as it now is
  // goes to `settled` when given.
  bool ApplySucceeded(platform::db::Tx& tx, const std::string& payment_id, IntentRow* settled = nullptr);
  bool ApplyCanceled(platform::db::Tx& tx, const std::string& payment_id, const std::string& reason);
  bool ApplyRefundOutcome(platform::db::Tx& tx, const std::string& refund_id, bool succeeded,
                          const std::string& failure);

  PaymentsServiceDeps deps_;
};

/// A stable, keyed fingerprint of a card number (fraud velocity), never the
/// number itself.
std::string CardFingerprint(std::string_view number, std::string_view key);

}  // namespace shop::payments
