#include "http/throttle.hpp"

#include "platform/crypto/hmac.hpp"

#include <charconv>

namespace shop::identity {

Throttle::Throttle(platform::kv::KvStore& kv, std::chrono::seconds window) : kv_(kv), window_(window) {}

std::string Throttle::Key(std::string_view kind, std::string_view subject) const {
  // Hashed: the subject may be an e-mail address, which has no business in key names.
  std::string key = "identity:throttle:";
  key.append(kind).append(":").append(platform::crypto::Sha256Hex(subject));
  return key;
}

std::int64_t Throttle::RetryAfter(const std::string& key) const {
  auto ttl = kv_.TimeToLive(key);
  if (!ttl) return window_.count();
  return std::max<std::int64_t>(1, (ttl->count() + 999) / 1000);
}

ThrottleVerdict Throttle::Hit(std::string_view kind, std::string_view subject, std::int64_t limit) {
  const std::string key = Key(kind, subject);
  const std::int64_t count = kv_.Increment(key, 1, std::chrono::duration_cast<std::chrono::milliseconds>(window_));
  if (count <= limit) return {};
  return {true, RetryAfter(key)};
}

ThrottleVerdict Throttle::Peek(std::string_view kind, std::string_view subject, std::int64_t limit) {
  const std::string key = Key(kind, subject);
  auto value = kv_.Get(key);
  if (!value) return {};
  std::int64_t count = 0;
  std::from_chars(value->data(), value->data() + value->size(), count);
  if (count < limit) return {};
  return {true, RetryAfter(key)};
}

void Throttle::Reset(std::string_view kind, std::string_view subject) { kv_.Delete(Key(kind, subject)); }

platform::http::Response TooManyRequests(std::int64_t retry_after_s, std::string_view instance) {
  auto response = platform::http::Response::Problem(
      Error{ErrorCode::kTooManyRequests, "too many attempts; try again in " + std::to_string(retry_after_s) + " s", {}},
      instance);
  response.headers.Set("Retry-After", std::to_string(retry_after_s));
  return response;
}

}  // namespace shop::identity
