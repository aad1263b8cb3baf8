#include "http/sessions.hpp"

#include "platform/crypto/hmac.hpp"

#include <boost/json.hpp>

#include <algorithm>

namespace shop::identity {

namespace json = boost::json;
using std::chrono::milliseconds;

namespace {

// Refreshing the idle TTL on every request would be a write per request;
// once a minute keeps the timeout accurate to within a minute.
constexpr std::int64_t kTouchEveryMs = 60'000;

std::string SessionKey(std::string_view id) {
  return "identity:session:" + platform::crypto::Sha256Hex(id);
}
std::string TokenKey(std::string_view token) { return "identity:token:" + platform::crypto::Sha256Hex(token); }

std::optional<json::object> ParseObject(const std::string& text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return std::nullopt;
  return std::move(value.as_object());
}

std::int64_t IntField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : 0;
}
std::string StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

}  // namespace

SessionStore::SessionStore(platform::kv::KvStore& kv, const platform::Clock& clock, platform::IdGenerator& ids,
                           const platform::config::Config& config)
    : kv_(kv),
      clock_(clock),
      ids_(ids),
      idle_(std::chrono::minutes(config.identity.session_idle_minutes)),
      absolute_(std::chrono::hours(config.identity.session_absolute_hours)),
      secure_cookie_(config.http.tls_in_front) {}

bool SessionStore::WellFormed(std::string_view secret) {
  // Our secrets are 43 base64url characters; refuse anything else before hashing.
  if (secret.empty() || secret.size() > 128) return false;
  return std::all_of(secret.begin(), secret.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

NewSession SessionStore::Create(const User& user) {
  NewSession session{ids_.NewToken(32), ids_.NewToken(32)};
  const std::int64_t now = clock_.NowMs();
  json::object record{{"user_id", user.id.value},
                      {"csrf", session.csrf},
                      {"created_ms", now},
                      {"touched_ms", now},
                      {"epoch", user.credential_epoch}};
  kv_.Set(SessionKey(session.id), json::serialize(record), std::min(idle_, absolute_));
  return session;
}

std::optional<SessionRecord> SessionStore::Resolve(std::string_view id) {
  if (!WellFormed(id)) return std::nullopt;
  const std::string key = SessionKey(id);
  std::optional<std::string> stored = kv_.Get(key);
  if (!stored) return std::nullopt;
  std::optional<json::object> record = ParseObject(*stored);
  if (!record) return std::nullopt;
  SessionRecord session{UserId{StringField(*record, "user_id")}, StringField(*record, "csrf"),
                        IntField(*record, "created_ms"), IntField(*record, "epoch")};
  if (session.user_id.value.empty() || session.csrf.empty()) return std::nullopt;

  const std::int64_t now = clock_.NowMs();
  const std::int64_t absolute_left = session.created_ms + absolute_.count() - now;
  if (absolute_left <= 0) {
    kv_.Delete(key);
    return std::nullopt;
  }
  if (now - IntField(*record, "touched_ms") >= kTouchEveryMs) {
    (*record)["touched_ms"] = now;
    // Compare-and-set, so a refresh racing a logout cannot bring the session back.
    kv_.CompareAndSet(key, *stored, json::serialize(*record),
                      std::min(idle_, milliseconds(absolute_left)));
  }
  return session;
}

void SessionStore::Destroy(std::string_view id) {
  if (WellFormed(id)) kv_.Delete(SessionKey(id));
}

std::string SessionStore::IssueToken(const User& user) {
  std::string token = ids_.NewToken(32);
  json::object record{{"user_id", user.id.value}, {"created_ms", clock_.NowMs()}, {"epoch", user.credential_epoch}};
  kv_.Set(TokenKey(token), json::serialize(record), std::chrono::duration_cast<milliseconds>(kApiTokenTtl));
  return token;
}

std::optional<TokenRecord> SessionStore::ResolveToken(std::string_view token) {
  if (!WellFormed(token)) return std::nullopt;
  std::optional<std::string> stored = kv_.Get(TokenKey(token));
  if (!stored) return std::nullopt;
  std::optional<json::object> record = ParseObject(*stored);
  if (!record) return std::nullopt;
  TokenRecord found{UserId{StringField(*record, "user_id")}, IntField(*record, "epoch")};
  if (found.user_id.value.empty()) return std::nullopt;
  return found;
}

void SessionStore::RevokeToken(std::string_view token) {
  if (WellFormed(token)) kv_.Delete(TokenKey(token));
}

platform::http::SetCookie SessionStore::Cookie(const std::string& id) const {
  platform::http::SetCookie cookie;
  cookie.name = std::string(kSessionCookie);
  cookie.value = id;
  cookie.max_age = std::chrono::duration_cast<std::chrono::seconds>(absolute_);
  cookie.http_only = true;
  cookie.secure = secure_cookie_;
  cookie.same_site = "Lax";
  return cookie;
}

platform::http::SetCookie SessionStore::ClearCookie() const {
  platform::http::SetCookie cookie = Cookie("");
  cookie.max_age = std::chrono::seconds(0);
  return cookie;
}

}  // namespace shop::identity
