#include "platform/core/circuit_breaker.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

using shop::platform::CircuitBreaker;
using shop::platform::CircuitBreakerOptions;
using shop::platform::CircuitState;

namespace {

struct Fixture {
  std::atomic<std::int64_t> now{1'000};
  CircuitBreaker breaker{CircuitBreakerOptions{.failure_threshold = 3, .open_duration = std::chrono::milliseconds(500)},
                         [this] { return now.load(); }};
};

}  // namespace

TEST_CASE("CircuitBreaker: opens after the threshold of consecutive failures") {
  Fixture f;
  CHECK(f.breaker.state() == CircuitState::kClosed);
  for (int i = 0; i < 2; ++i) {
    REQUIRE(f.breaker.Allow());
    f.breaker.RecordFailure();
  }
  CHECK(f.breaker.state() == CircuitState::kClosed);
  REQUIRE(f.breaker.Allow());
  f.breaker.RecordFailure();
  CHECK(f.breaker.state() == CircuitState::kOpen);
  CHECK_FALSE(f.breaker.Allow());
  f.now += 499;
  CHECK_FALSE(f.breaker.Allow());
}

TEST_CASE("CircuitBreaker: a success resets the count of consecutive failures") {
  Fixture f;
  f.breaker.RecordFailure();
  f.breaker.RecordFailure();
  f.breaker.RecordSuccess();
  CHECK(f.breaker.consecutive_failures() == 0);
  f.breaker.RecordFailure();
  f.breaker.RecordFailure();
  CHECK(f.breaker.state() == CircuitState::kClosed);
  CHECK(f.breaker.Allow());
}

TEST_CASE("CircuitBreaker: half-opens after the open duration, one trial at a time") {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.breaker.RecordFailure();
  f.now += 500;
  CHECK(f.breaker.state() == CircuitState::kHalfOpen);
  CHECK(f.breaker.Allow());        // the trial
  CHECK_FALSE(f.breaker.Allow());  // everyone else waits for its answer

  SUBCASE("a successful trial closes it") {
    f.breaker.RecordSuccess();
    CHECK(f.breaker.state() == CircuitState::kClosed);
    CHECK(f.breaker.Allow());
    CHECK(f.breaker.Allow());
  }
  SUBCASE("a failed trial opens it for another open duration") {
    f.breaker.RecordFailure();
    CHECK(f.breaker.state() == CircuitState::kOpen);
    CHECK_FALSE(f.breaker.Allow());
    f.now += 499;
    CHECK_FALSE(f.breaker.Allow());
    f.now += 1;
    CHECK(f.breaker.Allow());
  }
}

TEST_CASE("CircuitBreaker: concurrent callers on a half-open circuit get exactly one trial") {
  Fixture f;
  for (int i = 0; i < 3; ++i) f.breaker.RecordFailure();
  f.now += 1'000;
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      if (f.breaker.Allow()) ++allowed;
    });
  }
  for (auto& t : threads) t.join();
  CHECK(allowed == 1);
}
