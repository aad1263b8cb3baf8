#pragma once
// SQL for identity_users. Functions run on the session they are given: a
// transaction's (tx.sql()) for writes, a pooled one for reads. Driver errors
// propagate as soci/DbError; the service maps a unique violation to kConflict.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/identity/types.hpp"

namespace shop::identity {

struct UserRow {
  User user;
  std::string password_hash;
};

/// Position in the newest-first listing: the last row of a page.
struct UserCursor {
  std::int64_t created_at_ms = 0;
  std::string id;
};

class UserRepository {
 public:
  static std::optional<UserRow> FindById(soci::session& sql, const std::string& id);
  static std::optional<UserRow> FindByEmail(soci::session& sql, const std::string& email);
  static void Insert(soci::session& sql, const UserRow& row, std::int64_t now_ms);
  /// Replaces the hash only if it is still `expected_hash` (compare-and-set,
  /// so a concurrent password change is never overwritten). True if it was.
  static bool ReplacePasswordHash(soci::session& sql, const std::string& id, const std::string& expected_hash,
                                  const std::string& new_hash, std::int64_t now_ms);
  static void SetPasswordHash(soci::session& sql, const std::string& id, const std::string& hash,
                              std::int64_t now_ms);
  static void UpdateProfile(soci::session& sql, const std::string& id, const std::string& name,
                            const std::string& email, bool email_verified, std::int64_t now_ms);
  static void SetRole(soci::session& sql, const std::string& id, Role role, std::int64_t now_ms);
  static void SetEmailVerified(soci::session& sql, const std::string& id, std::int64_t now_ms);
  static bool Any(soci::session& sql);
  /// Up to `limit` users whose e-mail or name contains `query` (ASCII case
  /// folded; "" matches all), newest first, after `after` when given.
  static std::vector<User> List(soci::session& sql, std::string_view query, int limit,
                                const std::optional<UserCursor>& after);
};

}  // namespace shop::identity
