#include "platform/core/circuit_breaker.hpp"

#include <algorithm>
#include <utility>

namespace shop::platform {

std::string_view CircuitStateName(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed:
      return "closed";
    case CircuitState::kOpen:
      return "open";
    case CircuitState::kHalfOpen:
      return "half-open";
  }
  return "closed";
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options, NowMs now)
    : options_{std::max(1, options.failure_threshold), options.open_duration}, now_(std::move(now)) {}

bool CircuitBreaker::Allow() {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case CircuitState::kClosed:
      return true;
    case CircuitState::kOpen:
      if (now_() - opened_at_ms_ < options_.open_duration.count()) return false;
      state_ = CircuitState::kHalfOpen;
      trial_in_flight_ = true;
      return true;
    case CircuitState::kHalfOpen:
      // One trial at a time: a dependency that is just recovering should not
      // get the whole backlog at once.
      if (trial_in_flight_) return false;
      trial_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::RecordSuccess() {
  std::lock_guard lock(mutex_);
  state_ = CircuitState::kClosed;
  failures_ = 0;
  trial_in_flight_ = false;
}

void CircuitBreaker::RecordFailure() {
  std::lock_guard lock(mutex_);
  const std::int64_t now = now_();
  if (state_ == CircuitState::kHalfOpen) {
    OpenLocked(now);
    return;
  }
  if (state_ == CircuitState::kOpen) return;  // a call admitted before it opened
  if (++failures_ >= options_.failure_threshold) OpenLocked(now);
}

void CircuitBreaker::OpenLocked(std::int64_t now) {
  state_ = CircuitState::kOpen;
  opened_at_ms_ = now;
  trial_in_flight_ = false;
  failures_ = options_.failure_threshold;
}

CircuitState CircuitBreaker::state() {
  std::lock_guard lock(mutex_);
  if (state_ == CircuitState::kOpen && now_() - opened_at_ms_ >= options_.open_duration.count()) {
    return CircuitState::kHalfOpen;
  }
  return state_;
}

int CircuitBreaker::consecutive_failures() {
  std::lock_guard lock(mutex_);
  return failures_;
}

}  // namespace shop::platform
