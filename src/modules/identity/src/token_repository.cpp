#include "token_repository.hpp"

namespace shop::identity {
namespace {

constexpr const char* kInsert =
    "INSERT INTO identity_tokens (token_hash, purpose, user_id, email, expires_at_ms, used_at_ms, "
    "created_at_ms)"
    " VALUES (:token_hash, :purpose, :user_id, :email, :expires_at_ms, NULL, :now)";
constexpr const char* kInvalidateUnused =
    "UPDATE identity_tokens SET used_at_ms = :now"
    " WHERE user_id = :user_id AND purpose = :purpose AND used_at_ms IS NULL";
// One statement decides: no read-then-write window between checking and marking.
constexpr const char* kConsume =
    "UPDATE identity_tokens SET used_at_ms = :now"
    " WHERE token_hash = :token_hash AND purpose = :purpose AND used_at_ms IS NULL AND expires_at_ms > :now2"
    " RETURNING user_id, email";
constexpr const char* kUsable =
    "SELECT COUNT(*) FROM identity_tokens"
    " WHERE token_hash = :token_hash AND purpose = :purpose AND used_at_ms IS NULL AND expires_at_ms > :now";

}  // namespace

std::string_view TokenPurposeName(TokenPurpose purpose) {
  return purpose == TokenPurpose::kPasswordReset ? "password_reset" : "email_verification";
}

void TokenRepository::Insert(soci::session& sql, const TokenRow& row, std::int64_t now_ms) {
  const std::string purpose(TokenPurposeName(row.purpose));
  sql << kInsert, soci::use(row.token_hash), soci::use(purpose), soci::use(row.user_id), soci::use(row.email),
      soci::use(row.expires_at_ms), soci::use(now_ms);
}

void TokenRepository::InvalidateUnused(soci::session& sql, const std::string& user_id, TokenPurpose purpose,
                                       std::int64_t now_ms) {
  const std::string name(TokenPurposeName(purpose));
  sql << kInvalidateUnused, soci::use(now_ms), soci::use(user_id), soci::use(name);
}

std::optional<TokenOwner> TokenRepository::Consume(soci::session& sql, const std::string& token_hash,
                                                   TokenPurpose purpose, std::int64_t now_ms) {
  const std::string name(TokenPurposeName(purpose));
  TokenOwner owner;
  sql << kConsume, soci::use(now_ms), soci::use(token_hash), soci::use(name), soci::use(now_ms),
      soci::into(owner.user_id), soci::into(owner.email);
  if (!sql.got_data()) return std::nullopt;
  return owner;
}

bool TokenRepository::IsUsable(soci::session& sql, const std::string& token_hash, TokenPurpose purpose,
                               std::int64_t now_ms) {
  const std::string name(TokenPurposeName(purpose));
  int count = 0;
  sql << kUsable, soci::use(token_hash), soci::use(name), soci::use(now_ms), soci::into(count);
  return count > 0;
}

}  // namespace shop::identity
