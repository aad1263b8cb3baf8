#pragma once
// Server-side sessions (browser) and opaque API tokens, both kept in the
// key-value store under the SHA-256 of the secret, so a leaked store dump
// holds nothing a client could present.
//
// Why opaque tokens rather than JWT: a token is a random 256-bit string whose
// only meaning is the record it names. It can be revoked at logout (delete
// the record), there is no algorithm header to confuse (alg=none, HS/RS
// swaps), no signing key to leak, and nothing a client can forge or extend:
// any string that is not a live record — a JWT of any kind included — is
// simply an unknown token.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/response.hpp"
#include "platform/ids/ids.hpp"
#include "platform/kv/kv.hpp"
#include "shop/identity/types.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop::identity {

inline constexpr std::string_view kSessionCookie = "shopd_session";
inline constexpr std::chrono::hours kApiTokenTtl{24};

struct SessionRecord {
  UserId user_id;
  std::string csrf;
  std::int64_t created_ms = 0;
  std::int64_t credential_epoch = 0;  ///< the account's when the session began
};

/// What an API token names.
struct TokenRecord {
  UserId user_id;
  std::int64_t credential_epoch = 0;  ///< the account's when the token was issued
};

struct NewSession {
  std::string id;  ///< the cookie value; only its hash is stored
  std::string csrf;
};

/// Thread-safe (all state lives in the key-value store).
class SessionStore {
 public:
  SessionStore(platform::kv::KvStore& kv, const platform::Clock& clock, platform::IdGenerator& ids,
               const platform::config::Config& config);

  /// A fresh session for `user`, valid for the idle timeout and at most the
  /// absolute lifetime. It remembers user.credential_epoch: the caller that
  /// loads the user per request refuses the session once the account's epoch
  /// moved on (password changed or reset), on every instance, with no need to
  /// find the account's sessions.
  NewSession Create(const User& user);
  /// The live session named by a cookie value, or nullopt (unknown, ended,
  /// idle or past its absolute lifetime). Extends the idle timeout, writing at
  /// most once a minute per session.
  std::optional<SessionRecord> Resolve(std::string_view id);
  void Destroy(std::string_view id);

  /// A new API token for `user`, valid for kApiTokenTtl.
  std::string IssueToken(const User& user);
  std::optional<TokenRecord> ResolveToken(std::string_view token);
  void RevokeToken(std::string_view token);

  platform::http::SetCookie Cookie(const std::string& id) const;
  platform::http::SetCookie ClearCookie() const;

 private:
  static bool WellFormed(std::string_view secret);

  platform::kv::KvStore& kv_;
  const platform::Clock& clock_;
  platform::IdGenerator& ids_;
  std::chrono::milliseconds idle_;
  std::chrono::milliseconds absolute_;
  bool secure_cookie_;
};

}  // namespace shop::identity
