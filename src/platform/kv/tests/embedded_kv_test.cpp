// Behaviour specific to the embedded store.

#include "platform/kv/embedded_kv.hpp"

#include <doctest/doctest.h>

using namespace std::chrono_literals;
using shop::platform::ManualClock;
using shop::platform::kv::EmbeddedKv;

TEST_CASE("embedded: expiry follows the injected clock to the millisecond") {
  ManualClock clock;
  EmbeddedKv kv(clock);
  kv.Set("k", "v", 1000ms);
  clock.Advance(999ms);
  CHECK(kv.Get("k") == "v");
  CHECK(kv.TimeToLive("k") == 1ms);
  clock.Advance(1ms);
  CHECK_FALSE(kv.Get("k").has_value());
}

TEST_CASE("embedded: writes sweep expired entries so dead keys do not pile up") {
  ManualClock clock;
  EmbeddedKv kv(clock);
  constexpr int kKeys = 20'000;
  for (int i = 0; i < kKeys; ++i) kv.Set("session:" + std::to_string(i), "x", 1000ms);
  CHECK(kv.EntryCount() == kKeys);
  clock.Advance(2000ms);
  // Nobody reads the dead keys again; ordinary traffic on other keys must
  // clear them anyway.
  for (int i = 0; i < kKeys; ++i) kv.Set("cart:" + std::to_string(i % 1000), "y", std::nullopt);
  CHECK(kv.EntryCount() < 1000 + kKeys / 10);
}

TEST_CASE("embedded: a TTL too large to add to the clock means no practical expiry") {
  ManualClock clock;
  EmbeddedKv kv(clock);
  kv.Set("k", "v", std::chrono::milliseconds::max());
  clock.Advance(std::chrono::hours(24 * 365 * 100));
  CHECK(kv.Get("k") == "v");
  CHECK(kv.TimeToLive("k").has_value());
}
