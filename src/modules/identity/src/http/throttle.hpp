#pragma once
// Fixed-window counters in the key-value store (shared by every instance
// when the store is Redis): sign-in per account and per client address,
// sign-up per address, password reset requests per account and per address.

#include "platform/http/response.hpp"
#include "platform/kv/kv.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace shop::identity {

struct ThrottleVerdict {
  bool limited = false;
  std::int64_t retry_after_s = 0;  ///< seconds left in the window when limited
};

/// Thread-safe.
class Throttle {
 public:
  Throttle(platform::kv::KvStore& kv, std::chrono::seconds window);

  /// Counts one event for (`kind`, `subject`); limited once the count exceeds `limit`.
  ThrottleVerdict Hit(std::string_view kind, std::string_view subject, std::int64_t limit);
  /// Limited when `limit` events were already counted; counts nothing.
  ThrottleVerdict Peek(std::string_view kind, std::string_view subject, std::int64_t limit);
  /// Forgets the count (a successful sign-in clears its account's failures).
  void Reset(std::string_view kind, std::string_view subject);

 private:
  std::string Key(std::string_view kind, std::string_view subject) const;
  std::int64_t RetryAfter(const std::string& key) const;

  platform::kv::KvStore& kv_;
  std::chrono::seconds window_;
};

/// 429 problem+json with Retry-After.
platform::http::Response TooManyRequests(std::int64_t retry_after_s, std::string_view instance);

}  // namespace shop::identity
