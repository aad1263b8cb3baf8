#pragma once
// What the payments service needs from a card provider: authorise, capture,
// void and refund, each carrying an idempotency key so that a repeated call
// (a retry after a timeout or a crash) performs the operation at most once
// and returns the first answer. A business refusal (a declined card, a
// refused refund) is a result value; only the provider being unreachable,
// failing or too slow is an error (kUnavailable).
//
// The provider also reports outcomes asynchronously through signed webhooks
// (webhook.hpp); the service applies both the synchronous answers and the
// webhooks, forward-only, so either may arrive first.

#include <chrono>
#include <string>

#include "platform/core/error.hpp"
#include "platform/money/money.hpp"
#include "shop/payments/payments.hpp"  // CardDetails

namespace shop::payments {

struct AuthorizeRequest {
  std::string idempotency_key;
  std::string payment_id;
  platform::money::Money amount;
  CardDetails card;
};

enum class AuthorizeOutcome { kAuthorized, kRequiresAction, kDeclined };

struct AuthorizeResult {
  AuthorizeOutcome outcome = AuthorizeOutcome::kDeclined;
  std::string decline_code;  ///< for kDeclined: "card_declined", "insufficient_funds", ...
  bool hard_decline = false; ///< retrying with the same card is pointless: cancel the intent
};

struct RefundResult {
  bool succeeded = false;
  std::string failure;  ///< why not, when !succeeded
};

/// Implementations are thread-safe. Every call must answer within
/// `timeout` (kUnavailable "provider timed out" otherwise, having performed
/// nothing that a retry with the same key would repeat).
class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual Result<AuthorizeResult> Authorize(const AuthorizeRequest& request, std::chrono::milliseconds timeout) = 0;
  /// Captures the whole authorised amount.
  virtual Result<void> Capture(const std::string& idempotency_key, const std::string& payment_id,
                               const platform::money::Money& amount, std::chrono::milliseconds timeout) = 0;
  virtual Result<void> Void(const std::string& idempotency_key, const std::string& payment_id,
                            std::chrono::milliseconds timeout) = 0;
  virtual Result<RefundResult> Refund(const std::string& idempotency_key, const std::string& payment_id,
                                      const std::string& refund_id, const platform::money::Money& amount,
                                      std::chrono::milliseconds timeout) = 0;
};

}  // namespace shop::payments
