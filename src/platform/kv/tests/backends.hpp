#pragma once
// The two KvStore backends under one test harness, so every contract test
// runs the same body against the embedded store and a real Redis server.

#include "platform/clock/clock.hpp"
#include "platform/kv/kv.hpp"

#include <doctest/doctest.h>

#include <unistd.h>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace shop::platform::kv::testing {

using namespace std::chrono_literals;

/// Unique per process, so runs sharing one Redis never see each other's keys.
inline const std::string& RunPrefix() {
  static const std::string prefix = [] {
    std::random_device rd;
    return "shopd-test:" + std::to_string(::getpid()) + "-" + std::to_string(rd()) + ":";
  }();
  return prefix;
}

inline std::optional<std::string> TestRedisUrl() {
  const char* url = std::getenv("SHOPD_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') return std::nullopt;
  return std::string(url);
}

inline bool ServersRequired() {
  const char* v = std::getenv("SHOPD_TEST_REQUIRE_SERVERS");
  return v != nullptr && std::string(v) == "1";
}

/// Skips (MESSAGE) or fails (when servers are required) without a Redis URL.
inline std::optional<std::string> RedisUrlOrSkip() {
  auto url = TestRedisUrl();
  if (!url) {
    if (ServersRequired()) FAIL("SHOPD_TEST_REQUIRE_SERVERS=1 but SHOPD_TEST_REDIS_URL is not set");
    MESSAGE("Redis half skipped: set SHOPD_TEST_REDIS_URL (e.g. redis://127.0.0.1:56379)");
  }
  return url;
}

class BackendBase {
 public:
  virtual ~BackendBase() = default;
  bool Available() const { return store_ != nullptr; }
  KvStore& Store() { return *store_; }
  /// A fresh key for this test; removed again when the backend goes away.
  std::string Key(const std::string& name) {
    keys_.push_back(RunPrefix() + std::to_string(++counter_) + ":" + name);
    return keys_.back();
  }
  /// Lets `d` pass for the store's notion of time.
  virtual void Elapse(std::chrono::milliseconds d) = 0;

 protected:
  void Cleanup() {
    if (!store_) return;
    for (const auto& k : keys_) {
      try {
        store_->Delete(k);
      } catch (const KvError&) {
      }
    }
  }
  std::unique_ptr<KvStore> store_;
  std::vector<std::string> keys_;
  int counter_ = 0;
};

class EmbeddedBackend final : public BackendBase {
 public:
  EmbeddedBackend() { store_ = MakeEmbeddedKv(clock_); }
  void Elapse(std::chrono::milliseconds d) override { clock_.Advance(d); }

 private:
  ManualClock clock_;
};

class RedisBackend final : public BackendBase {
 public:
  RedisBackend() {
    if (auto url = RedisUrlOrSkip()) store_ = MakeRedisKv(*url, 8, 2000ms);
  }
  ~RedisBackend() override { Cleanup(); }
  // Real expiry needs real time; the TTLs used with Redis are kept short.
  void Elapse(std::chrono::milliseconds d) override { std::this_thread::sleep_for(d); }
};

}  // namespace shop::platform::kv::testing

// Test names read "get, set and delete<embedded>" / "<redis>".
TYPE_TO_STRING_AS("embedded", shop::platform::kv::testing::EmbeddedBackend);
TYPE_TO_STRING_AS("redis", shop::platform::kv::testing::RedisBackend);
