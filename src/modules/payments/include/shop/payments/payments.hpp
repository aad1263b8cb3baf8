#pragma once
/// The payments module's contract for other modules (orders) (DESIGN §4
/// Payments). Payment intents follow Stripe's shape:
///
///   REQUIRES_PAYMENT_METHOD ─confirm─▶ (REQUIRES_ACTION) ─▶ AUTHORIZED
///     AUTHORIZED ─capture─▶ SUCCEEDED;  any state before SUCCEEDED ─void─▶ CANCELED
///
/// A declined confirmation leaves the intent in REQUIRES_PAYMENT_METHOD with
/// `last_error` set and counts a failed attempt; a hard decline or
/// payments.max_failed_attempts failures cancel it. State is advanced only by
/// the provider's signed webhooks and by the provider's synchronous answers,
/// and only forward, so out-of-order deliveries converge.
///
/// Refunds are separate objects (PENDING → SUCCEEDED | FAILED); the sum of
/// pending and succeeded refunds never exceeds the captured amount.
///
/// Every state change is written with its event (shop/payments/events.hpp)
/// in the same transaction. Calls to the provider go through a timeout and
/// a circuit breaker; provider idempotency keys are derived from the order
/// id, so a retried capture never charges twice.
///
/// Errors: kNotFound (unknown intent or refund); kConflict (the intent's
/// state does not allow the call, e.g. capture before AUTHORIZED);
/// kInvalidInput (amount not positive, currency mismatch); kUnprocessable
/// (refund beyond what was captured); kUnavailable (provider down, timed
/// out, or the circuit is open — retry later).

#include "platform/core/error.hpp"
#include "platform/db/db.hpp"
#include "platform/money/money.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::payments {

enum class PaymentStatus { kRequiresPaymentMethod, kRequiresAction, kAuthorized, kSucceeded, kCanceled };
/// "REQUIRES_PAYMENT_METHOD", "REQUIRES_ACTION", "AUTHORIZED", "SUCCEEDED", "CANCELED".
inline std::string_view PaymentStatusName(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kRequiresPaymentMethod: return "REQUIRES_PAYMENT_METHOD";
    case PaymentStatus::kRequiresAction: return "REQUIRES_ACTION";
    case PaymentStatus::kAuthorized: return "AUTHORIZED";
    case PaymentStatus::kSucceeded: return "SUCCEEDED";
    case PaymentStatus::kCanceled: return "CANCELED";
  }
  return "UNKNOWN";
}

struct PaymentIntent {
  std::string id;        ///< "pi_" + opaque id
  std::string order_id;
  PaymentStatus status = PaymentStatus::kRequiresPaymentMethod;
  platform::money::Money amount;
  platform::money::Money captured;  ///< amount once SUCCEEDED, else 0
  platform::money::Money refunded;  ///< sum of succeeded refunds
  std::string client_secret;        ///< handed to the shopper's browser; confirms this intent only
  std::string last_error;           ///< decline code of the last failed attempt ("card_declined", ...)
  int failed_attempts = 0;
  std::string card_last4;           ///< once a card was presented
  std::string card_fingerprint;     ///< stable hash of the card number (fraud velocity)
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
};

enum class RefundStatus { kPending, kSucceeded, kFailed };
/// "PENDING", "SUCCEEDED", "FAILED".
std::string_view RefundStatusName(RefundStatus status);

struct Refund {
  std::string id;  ///< "re_" + opaque id
  std::string payment_id;
  std::string order_id;
  platform::money::Money amount;
  RefundStatus status = RefundStatus::kPending;
  std::string reason;
  std::string actor;
  std::int64_t created_at_ms = 0;
};

/// What the shopper typed into the mock gateway's card form.
struct CardDetails {
  std::string number;  ///< digits only
  int exp_month = 0;
  int exp_year = 0;
  std::string cvc;
};

class PaymentsService {
 public:
  virtual ~PaymentsService() = default;

  /// Creates the intent for `order_id` inside the caller's transaction, so
  /// an order and its intent are committed together or not at all.
  /// Idempotent per order: a second call returns the existing intent
  /// (kConflict if the amount differs).
  virtual Result<PaymentIntent> CreateIntent(platform::db::Tx& tx, std::string_view order_id,
                                             const platform::money::Money& amount) = 0;

  /// The shopper's confirmation with card details (the mock gateway's
  /// client side). kNotFound for an unknown intent or a wrong client secret
  /// (the same answer, so ids cannot be probed); kConflict unless the intent
  /// awaits a payment method; kUnavailable when the provider is down. A
  /// declined card is not an error: the intent comes back with last_error.
  virtual Result<PaymentIntent> Confirm(std::string_view payment_id, std::string_view client_secret,
                                        const CardDetails& card) = 0;

  virtual Result<PaymentIntent> Get(std::string_view payment_id) = 0;
  virtual Result<PaymentIntent> GetByOrder(std::string_view order_id) = 0;

  /// Captures an AUTHORIZED intent in full (the screening step approved).
  /// Idempotent: capturing a SUCCEEDED intent returns it unchanged, and the
  /// provider call carries a key derived from the order id, so a retry after
  /// a crash or a timeout never charges twice.
  virtual Result<PaymentIntent> Capture(std::string_view payment_id) = 0;
  /// Capture, running `with_capture(tx)` inside the transaction that records
  /// it (on this service's database), so the caller's own record of the
  /// capture (the order's timeline) commits with it. It does not run when
  /// the capture fails, nor when the intent was captured already (a repeated
  /// call records nothing, so it notes nothing twice).
  virtual Result<PaymentIntent> Capture(std::string_view payment_id,
                                        const std::function<void(platform::db::Tx&)>& with_capture) = 0;

  /// Cancels an intent that was not captured (shopper cancel, fraud reject,
  /// expiry); an AUTHORIZED one is voided at the provider. Idempotent on a
  /// CANCELED intent; kConflict on a SUCCEEDED one (refund it instead).
  virtual Result<PaymentIntent> Cancel(std::string_view payment_id, std::string_view reason) = 0;

  /// Refunds `amount` of a SUCCEEDED intent (staff). kUnprocessable if the
  /// pending and succeeded refunds would exceed the captured amount. The
  /// refund starts PENDING; the provider's answer or webhook settles it.
  virtual Result<Refund> CreateRefund(std::string_view payment_id, const platform::money::Money& amount,
                                      std::string_view reason, std::string_view actor) = 0;

  /// Refunds of one intent, oldest first.
  virtual std::vector<Refund> Refunds(std::string_view payment_id) = 0;
};

}  // namespace shop::payments
