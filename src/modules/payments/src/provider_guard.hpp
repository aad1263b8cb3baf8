#pragma once
// Every call to the payment provider goes through here (DESIGN §4): a
// timeout handed to the provider and a circuit breaker in front of it, so a
// provider that is down answers 503 at once instead of tying up threads.
// Only the provider failing (kUnavailable) counts against the breaker; a
// declined card is a successful call. Thread-safe.

#include <chrono>

#include "platform/clock/clock.hpp"
#include "platform/core/circuit_breaker.hpp"
#include "provider.hpp"

namespace shop::payments {

struct ProviderGuardOptions {
  std::chrono::milliseconds timeout{5000};
  platform::CircuitBreakerOptions breaker;
};

class ProviderGuard {
 public:
  ProviderGuard(PaymentProvider& provider, const platform::Clock& clock, ProviderGuardOptions options);

  Result<AuthorizeResult> Authorize(const AuthorizeRequest& request);
  Result<void> Capture(const std::string& idempotency_key, const std::string& payment_id,
                       const platform::money::Money& amount);
  Result<void> Void(const std::string& idempotency_key, const std::string& payment_id);
  Result<RefundResult> Refund(const std::string& idempotency_key, const std::string& payment_id,
                              const std::string& refund_id, const platform::money::Money& amount);

  platform::CircuitState state() { return breaker_.state(); }

 private:
  template <class F>
  auto Call(F&& call) -> decltype(call());

  PaymentProvider& provider_;
  const std::chrono::milliseconds timeout_;
  platform::CircuitBreaker breaker_;
};

}  // namespace shop::payments
