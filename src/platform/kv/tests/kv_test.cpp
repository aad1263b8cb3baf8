// The KvStore contract, run against both backends.

#include "backends.hpp"

#include <atomic>
#include <latch>
#include <stdexcept>

using namespace shop::platform::kv;
using namespace shop::platform::kv::testing;

#define KV_BACKENDS EmbeddedBackend, RedisBackend

TEST_CASE_TEMPLATE("get, set and delete", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("plain");
  CHECK_FALSE(kv.Get(k).has_value());
  kv.Set(k, "one", std::nullopt);
  CHECK(kv.Get(k) == "one");
  kv.Set(k, "two", std::nullopt);
  CHECK(kv.Get(k) == "two");
  CHECK(kv.Delete(k));
  CHECK_FALSE(kv.Delete(k));
  CHECK_FALSE(kv.Get(k).has_value());

  const std::string bin = b.Key(std::string("bin\0ary", 7));
  const std::string value("v\0\xff\r\n", 5);
  kv.Set(bin, value, std::nullopt);
  CHECK(kv.Get(bin) == value);
  kv.Set(bin, "", std::nullopt);
  CHECK(kv.Get(bin) == "");
  CHECK(kv.Ping());
}

TEST_CASE_TEMPLATE("keys expire after their TTL", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("ttl");
  kv.Set(k, "soon gone", 150ms);
  CHECK(kv.Get(k) == "soon gone");
  const auto ttl = kv.TimeToLive(k);
  REQUIRE(ttl.has_value());
  CHECK(ttl->count() > 0);
  CHECK(ttl->count() <= 150);

  b.Elapse(300ms);
  CHECK_FALSE(kv.Get(k).has_value());
  CHECK_FALSE(kv.TimeToLive(k).has_value());
  CHECK_FALSE(kv.Delete(k));
  CHECK(kv.SetIfAbsent(k, "again", 150ms));

  // A write without a TTL makes the key permanent again.
  kv.Set(k, "forever", std::nullopt);
  CHECK_FALSE(kv.TimeToLive(k).has_value());
  b.Elapse(300ms);
  CHECK(kv.Get(k) == "forever");
  CHECK_FALSE(kv.TimeToLive(b.Key("absent")).has_value());
}

TEST_CASE_TEMPLATE("increment from 8 threads is exact", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("counter");
  constexpr int kThreads = 8;
  constexpr int kPerThread = 1000;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) kv.Increment(k, 1, std::nullopt);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(kv.Get(k) == "8000");
  CHECK(kv.Increment(k, -8000, std::nullopt) == 0);
  CHECK(kv.Increment(k, 5, std::nullopt) == 5);
}

TEST_CASE_TEMPLATE("increment sets the TTL only when it creates the key", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("window");
  CHECK(kv.Increment(k, 1, 60'000ms) == 1);
  CHECK(kv.Increment(k, 1, 120'000ms) == 2);
  CHECK(kv.Increment(k, 1, std::nullopt) == 3);
  const auto ttl = kv.TimeToLive(k);
  REQUIRE(ttl.has_value());
  CHECK(ttl->count() > 0);
  CHECK(ttl->count() <= 60'000);

  const std::string fixed = b.Key("short-window");
  CHECK(kv.Increment(fixed, 10, 150ms) == 10);
  b.Elapse(300ms);
  CHECK(kv.Increment(fixed, 10, 150ms) == 10);  // the window restarted

  const std::string plain = b.Key("no-ttl");
  kv.Increment(plain, 7, std::nullopt);
  CHECK_FALSE(kv.TimeToLive(plain).has_value());
}

TEST_CASE_TEMPLATE("increment of a non-integer or past int64 throws KvError", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("text");
  kv.Set(k, "abc", std::nullopt);
  CHECK_THROWS_AS(kv.Increment(k, 1, std::nullopt), KvError);
  CHECK_THROWS_AS(kv.Increment(k, 1, 1000ms), KvError);
  CHECK(kv.Get(k) == "abc");
  kv.Set(k, "1.5", std::nullopt);
  CHECK_THROWS_AS(kv.Increment(k, 1, std::nullopt), KvError);
  kv.Set(k, "9223372036854775807", std::nullopt);
  CHECK_THROWS_AS(kv.Increment(k, 1, std::nullopt), KvError);
  CHECK(kv.Increment(k, -7, std::nullopt) == 9223372036854775800);
}

TEST_CASE_TEMPLATE("compare-and-set", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("cas");
  // Absent expected: succeeds only while the key is absent.
  CHECK(kv.CompareAndSet(k, std::nullopt, "v1", std::nullopt));
  CHECK_FALSE(kv.CompareAndSet(k, std::nullopt, "other", std::nullopt));
  CHECK(kv.Get(k) == "v1");
  // Wrong expected value: nothing changes.
  CHECK_FALSE(kv.CompareAndSet(k, std::string("v0"), "v2", std::nullopt));
  CHECK(kv.Get(k) == "v1");
  // Right expected value: swapped, with a TTL.
  CHECK(kv.CompareAndSet(k, std::string("v1"), "v2", 60'000ms));
  CHECK(kv.Get(k) == "v2");
  CHECK(kv.TimeToLive(k).has_value());
  // An empty string is a value, not absence.
  CHECK(kv.CompareAndSet(k, std::string("v2"), "", std::nullopt));
  CHECK_FALSE(kv.TimeToLive(k).has_value());
  CHECK_FALSE(kv.CompareAndSet(k, std::nullopt, "x", std::nullopt));
  CHECK(kv.CompareAndSet(k, std::string(""), "v3", std::nullopt));
  // Expected present but the key is absent.
  CHECK_FALSE(kv.CompareAndSet(b.Key("missing"), std::string("v"), "x", std::nullopt));
  // An expired key counts as absent.
  const std::string e = b.Key("cas-expiring");
  kv.Set(e, "old", 150ms);
  b.Elapse(300ms);
  CHECK_FALSE(kv.CompareAndSet(e, std::string("old"), "new", std::nullopt));
  CHECK(kv.CompareAndSet(e, std::nullopt, "new", std::nullopt));
}

TEST_CASE_TEMPLATE("compare-and-set loops from 8 threads lose no update", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("cas-counter");
  kv.Set(k, "0", std::nullopt);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 100;
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < kPerThread; ++i) {
        while (true) {
          const std::string current = kv.Get(k).value();
          if (kv.CompareAndSet(k, current, std::to_string(std::stoi(current) + 1), std::nullopt)) break;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(kv.Get(k) == std::to_string(kThreads * kPerThread));
}

TEST_CASE_TEMPLATE("SetIfAbsent: among racing threads exactly one wins", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  constexpr int kThreads = 8;
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string k = b.Key("lock");
    std::atomic<int> winners{0};
    std::atomic<int> winner_id{-1};
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        if (kv.SetIfAbsent(k, "owner-" + std::to_string(t), 60'000ms)) {
          ++winners;
          winner_id = t;
        }
      });
    }
    for (auto& t : threads) t.join();
    CAPTURE(round);
    CHECK(winners == 1);
    CHECK(kv.Get(k) == "owner-" + std::to_string(winner_id.load()));
  }
}

TEST_CASE_TEMPLATE("a TTL must be positive", B, KV_BACKENDS) {
  B b;
  if (!b.Available()) return;
  KvStore& kv = b.Store();
  const std::string k = b.Key("bad-ttl");
  CHECK_THROWS_AS(kv.Set(k, "v", 0ms), std::invalid_argument);
  CHECK_THROWS_AS(kv.SetIfAbsent(k, "v", -5ms), std::invalid_argument);
  CHECK_THROWS_AS(kv.Increment(k, 1, 0ms), std::invalid_argument);
  CHECK_THROWS_AS(kv.CompareAndSet(k, std::nullopt, "v", 0ms), std::invalid_argument);
  CHECK_FALSE(kv.Get(k).has_value());
}
