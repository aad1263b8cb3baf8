#include "provider_guard.hpp"

#include "platform/log/log.hpp"

namespace shop::payments {

ProviderGuard::ProviderGuard(PaymentProvider& provider, const platform::Clock& clock, ProviderGuardOptions options)
    : provider_(provider), timeout_(options.timeout), breaker_(options.breaker, [&clock] { return clock.NowMs(); }) {}

template <class F>
auto ProviderGuard::Call(F&& call) -> decltype(call()) {
  if (!breaker_.Allow()) return Error::Unavailable("payment provider circuit open; retry later");
  auto result = [&] {
    try {
      return call();
    } catch (...) {
      // A crash inside the call must not leave a half-open trial in flight
      // for ever.
      breaker_.RecordFailure();
      throw;
    }
  }();
  if (!result && result.error().code == ErrorCode::kUnavailable) {
    breaker_.RecordFailure();
    platform::log::Get("payments")->warn("payment provider call failed: {} (circuit {})", result.error().detail,
                                         platform::CircuitStateName(breaker_.state()));
  } else {
    breaker_.RecordSuccess();
  }
  return result;
}

Result<AuthorizeResult> ProviderGuard::Authorize(const AuthorizeRequest& request) {
  return Call([&] { return provider_.Authorize(request, timeout_); });
}

Result<void> ProviderGuard::Capture(const std::string& idempotency_key, const std::string& payment_id,
                                    const platform::money::Money& amount) {
  return Call([&] { return provider_.Capture(idempotency_key, payment_id, amount, timeout_); });
}

Result<void> ProviderGuard::Void(const std::string& idempotency_key, const std::string& payment_id) {
  return Call([&] { return provider_.Void(idempotency_key, payment_id, timeout_); });
}

Result<RefundResult> ProviderGuard::Refund(const std::string& idempotency_key, const std::string& payment_id,
                                           const std::string& refund_id, const platform::money::Money& amount) {
  return Call([&] { return provider_.Refund(idempotency_key, payment_id, refund_id, amount, timeout_); });
}

}  // namespace shop::payments
