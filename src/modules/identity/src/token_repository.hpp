#pragma once
// SQL for identity_tokens: single-use, expiring tokens mailed to a user.
// Only the SHA-256 hex of a token is stored; callers pass the hash.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop::identity {

enum class TokenPurpose { kPasswordReset, kEmailVerification };

/// "password_reset" | "email_verification", as stored.
std::string_view TokenPurposeName(TokenPurpose purpose);

struct TokenRow {
  std::string token_hash;
  TokenPurpose purpose = TokenPurpose::kPasswordReset;
  std::string user_id;
  std::string email;  ///< the address the token was sent to
  std::int64_t expires_at_ms = 0;
};

/// Whom a consumed token belonged to.
struct TokenOwner {
  std::string user_id;
  std::string email;
};

class TokenRepository {
 public:
  static void Insert(soci::session& sql, const TokenRow& row, std::int64_t now_ms);
  /// Marks every unused token of the user and purpose as used, so only the
  /// newest one issued afterwards works.
  static void InvalidateUnused(soci::session& sql, const std::string& user_id, TokenPurpose purpose,
                               std::int64_t now_ms);
  /// Marks the token used if it is of `purpose`, unused and unexpired, in one
  /// statement (two concurrent consumers cannot both win); its owner if so.
  static std::optional<TokenOwner> Consume(soci::session& sql, const std::string& token_hash,
                                           TokenPurpose purpose, std::int64_t now_ms);
  /// Read-only: whether Consume would succeed now. A cheap pre-check before
  /// expensive work; Consume still decides.
  static bool IsUsable(soci::session& sql, const std::string& token_hash, TokenPurpose purpose,
                       std::int64_t now_ms);
};

}  // namespace shop::identity
