#include "user_repository.hpp"

namespace shop::identity {
namespace {

constexpr const char* kFindById =
    "SELECT id, email, name, password_hash, role, email_verified, created_at_ms, credential_epoch FROM identity_users WHERE id "
    "= :id";
constexpr const char* kFindByEmail =
    "SELECT id, email, name, password_hash, role, email_verified, created_at_ms, credential_epoch FROM identity_users"
    " WHERE email = :email";
constexpr const char* kInsert =
    "INSERT INTO identity_users (id, email, name, password_hash, role, email_verified, created_at_ms, "
    "updated_at_ms)"
    " VALUES (:id, :email, :name, :password_hash, :role, :email_verified, :created_at_ms, :updated_at_ms)";
constexpr const char* kReplaceHash =
    "UPDATE identity_users SET password_hash = :new_hash, credential_epoch = credential_epoch + 1,"
    " updated_at_ms = :now"
    " WHERE id = :id AND password_hash = :expected";
constexpr const char* kSetHash =
    "UPDATE identity_users SET password_hash = :hash, credential_epoch = credential_epoch + 1,"
    " updated_at_ms = :now WHERE id = :id";
constexpr const char* kUpdateProfile =
    "UPDATE identity_users SET name = :name, email = :email, email_verified = :verified, updated_at_ms = :now"
    " WHERE id = :id";
constexpr const char* kSetRole =
    "UPDATE identity_users SET role = :role, updated_at_ms = :now WHERE id = :id";
constexpr const char* kSetVerified =
    "UPDATE identity_users SET email_verified = 1, updated_at_ms = :now WHERE id = :id";
constexpr const char* kAny = "SELECT COUNT(*) FROM (SELECT 1 AS one FROM identity_users LIMIT 1) AS probe";
// '!' escapes LIKE wildcards in the user's query (it is the same in both dialects,
// unlike a backslash, whose meaning in string literals differs).
constexpr const char* kListFirst =
    "SELECT id, email, name, password_hash, role, email_verified, created_at_ms, credential_epoch FROM identity_users"
    " WHERE (LOWER(email) LIKE :q1 ESCAPE '!' OR LOWER(name) LIKE :q2 ESCAPE '!')"
    " ORDER BY created_at_ms DESC, id DESC LIMIT :limit";
constexpr const char* kListAfter =
    "SELECT id, email, name, password_hash, role, email_verified, created_at_ms, credential_epoch FROM identity_users"
    " WHERE (LOWER(email) LIKE :q1 ESCAPE '!' OR LOWER(name) LIKE :q2 ESCAPE '!')"
    " AND (created_at_ms < :ms1 OR (created_at_ms = :ms2 AND id < :id))"
    " ORDER BY created_at_ms DESC, id DESC LIMIT :limit";

struct RawUser {
  std::string id, email, name, password_hash, role;
  int email_verified = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t credential_epoch = 0;

  UserRow ToRow() const {
    UserRow row;
    row.user.id = UserId{id};
    row.user.email = email;
    row.user.name = name;
    row.user.role = ParseRole(role).value_or(Role::kCustomer);
    row.user.email_verified = email_verified != 0;
    row.user.created_at_ms = created_at_ms;
    row.user.credential_epoch = credential_epoch;
    row.password_hash = password_hash;
    return row;
  }
};

std::optional<UserRow> FindOne(soci::session& sql, const char* query, const std::string& key) {
  RawUser r;
  sql << query, soci::use(key), soci::into(r.id), soci::into(r.email), soci::into(r.name),
      soci::into(r.password_hash), soci::into(r.role), soci::into(r.email_verified),
      soci::into(r.created_at_ms), soci::into(r.credential_epoch);
  if (!sql.got_data()) return std::nullopt;
  return r.ToRow();
}

std::string LikePattern(std::string_view query) {
  std::string pattern = "%";
  for (char c : query) {
    if (c == '%' || c == '_' || c == '!') pattern += '!';
    pattern += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return pattern + "%";
}

}  // namespace

std::optional<UserRow> UserRepository::FindById(soci::session& sql, const std::string& id) {
  return FindOne(sql, kFindById, id);
}

std::optional<UserRow> UserRepository::FindByEmail(soci::session& sql, const std::string& email) {
  return FindOne(sql, kFindByEmail, email);
}

void UserRepository::Insert(soci::session& sql, const UserRow& row, std::int64_t now_ms) {
  const std::string role(RoleName(row.user.role));
  const int verified = row.user.email_verified ? 1 : 0;
  sql << kInsert, soci::use(row.user.id.value), soci::use(row.user.email), soci::use(row.user.name),
      soci::use(row.password_hash), soci::use(role), soci::use(verified), soci::use(row.user.created_at_ms),
      soci::use(now_ms);
}

bool UserRepository::ReplacePasswordHash(soci::session& sql, const std::string& id,
                                         const std::string& expected_hash, const std::string& new_hash,
                                         std::int64_t now_ms) {
  soci::statement st = (sql.prepare << kReplaceHash, soci::use(new_hash), soci::use(now_ms), soci::use(id),
                        soci::use(expected_hash));
  st.execute(true);
  return st.get_affected_rows() == 1;
}

void UserRepository::SetPasswordHash(soci::session& sql, const std::string& id, const std::string& hash,
                                     std::int64_t now_ms) {
  sql << kSetHash, soci::use(hash), soci::use(now_ms), soci::use(id);
}

void UserRepository::UpdateProfile(soci::session& sql, const std::string& id, const std::string& name,
                                   const std::string& email, bool email_verified, std::int64_t now_ms) {
  const int verified = email_verified ? 1 : 0;
  sql << kUpdateProfile, soci::use(name), soci::use(email), soci::use(verified), soci::use(now_ms),
      soci::use(id);
}

void UserRepository::SetRole(soci::session& sql, const std::string& id, Role role, std::int64_t now_ms) {
  const std::string name(RoleName(role));
  sql << kSetRole, soci::use(name), soci::use(now_ms), soci::use(id);
}

void UserRepository::SetEmailVerified(soci::session& sql, const std::string& id, std::int64_t now_ms) {
  sql << kSetVerified, soci::use(now_ms), soci::use(id);
}

bool UserRepository::Any(soci::session& sql) {
  int count = 0;
  sql << kAny, soci::into(count);
  return count > 0;
}

std::vector<User> UserRepository::List(soci::session& sql, std::string_view query, int limit,
                                       const std::optional<UserCursor>& after) {
  const std::string pattern = LikePattern(query);
  RawUser r;
  std::vector<User> out;
  if (after) {
    soci::statement st =
        (sql.prepare << kListAfter, soci::into(r.id), soci::into(r.email), soci::into(r.name),
         soci::into(r.password_hash), soci::into(r.role), soci::into(r.email_verified),
         soci::into(r.created_at_ms), soci::into(r.credential_epoch), soci::use(pattern), soci::use(pattern), soci::use(after->created_at_ms),
         soci::use(after->created_at_ms), soci::use(after->id), soci::use(limit));
    st.execute();
    while (st.fetch()) out.push_back(r.ToRow().user);
    return out;
  }
  soci::statement st =
      (sql.prepare << kListFirst, soci::into(r.id), soci::into(r.email), soci::into(r.name),
       soci::into(r.password_hash), soci::into(r.role), soci::into(r.email_verified),
       soci::into(r.created_at_ms), soci::into(r.credential_epoch), soci::use(pattern), soci::use(pattern), soci::use(limit));
  st.execute();
  while (st.fetch()) out.push_back(r.ToRow().user);
  return out;
}

}  // namespace shop::identity
