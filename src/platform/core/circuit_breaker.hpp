#pragma once
/// A circuit breaker for calls to a remote dependency (DESIGN §4 Payments):
/// after `failure_threshold` consecutive failures it opens and refuses calls
/// for `open_duration`, then half-opens and lets one trial call through; a
/// success closes it, a failure opens it again for another `open_duration`.
///
///   if (!breaker.Allow()) return Error::Unavailable("provider circuit open");
///   auto result = provider.Call();
///   failed(result) ? breaker.RecordFailure() : breaker.RecordSuccess();
///
/// Only failures of the dependency itself (timeouts, connection errors, 5xx)
/// should be recorded as failures; a business refusal (a declined card) is a
/// success of the call. The clock is injected, so tests need no sleeping.
///
/// Thread-safety: every member function may be called from any thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

namespace shop::platform {

enum class CircuitState { kClosed, kOpen, kHalfOpen };
/// "closed", "open", "half-open".
std::string_view CircuitStateName(CircuitState state);

struct CircuitBreakerOptions {
  int failure_threshold = 5;                     ///< consecutive failures that open the circuit (≥ 1)
  std::chrono::milliseconds open_duration{30'000};  ///< how long an open circuit refuses calls
};

class CircuitBreaker {
 public:
  /// Milliseconds on any monotonic-enough scale (the injected clock).
  using NowMs = std::function<std::int64_t()>;

  CircuitBreaker(CircuitBreakerOptions options, NowMs now);

  /// True when a call may go ahead. Closed: always. Open: false until the
  /// open duration has passed, then the circuit half-opens. Half-open: true
  /// for exactly one caller (the trial) until it reports back.
  bool Allow();
  /// The call that Allow() let through succeeded: closes the circuit and
  /// resets the failure count.
  void RecordSuccess();
  /// The call failed: counts towards the threshold; a failed trial (or the
  /// threshold reached) opens the circuit.
  void RecordFailure();

  /// The state as of now (an open circuit past its duration reads half-open).
  CircuitState state();
  int consecutive_failures();

 private:
  void OpenLocked(std::int64_t now);

  const CircuitBreakerOptions options_;
  const NowMs now_;
  std::mutex mutex_;
  CircuitState state_ = CircuitState::kClosed;
  int failures_ = 0;
  std::int64_t opened_at_ms_ = 0;
  bool trial_in_flight_ = false;
};

}  // namespace shop::platform
