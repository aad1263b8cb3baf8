#pragma once
/// Database driver errors mapped to the few kinds callers act on (DESIGN §2).
///
/// Repository code catches DbError around Db::InTransaction and turns the
/// kinds it expects into values, e.g. kUniqueViolation → shop::Error::Conflict.
/// Everything else is an infrastructure failure and keeps propagating.

#include <stdexcept>
#include <string>
#include <string_view>

namespace soci {
class soci_error;
}

namespace shop::platform::db {

enum class DbErrorKind {
  kUniqueViolation,      ///< A UNIQUE or PRIMARY KEY constraint refused the write.
  kCheckViolation,       ///< A CHECK constraint refused the write.
  kForeignKeyViolation,  ///< A FOREIGN KEY constraint refused the write.
  kRetryable,            ///< Lock contention, serialization failure, deadlock: retry the transaction.
  kUnavailable,          ///< The database cannot be reached or refuses connections.
  kOther,                ///< Anything else (syntax error, missing table, …): a bug.
};

/// Stable lower-kebab name of a kind ("unique-violation"), for logs.
std::string_view DbErrorKindName(DbErrorKind kind);

/// A classified database failure. `what()` carries the driver message, which
/// may contain the statement and bound values: log it, never show it to a client.
class DbError : public std::runtime_error {
 public:
  DbError(DbErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  DbErrorKind kind() const noexcept { return kind_; }
  bool IsRetryable() const noexcept { return kind_ == DbErrorKind::kRetryable; }

 private:
  DbErrorKind kind_;
};

/// Kind of a SQLite result code (extended codes understood); `message` is used
/// only when the code alone is ambiguous.
DbErrorKind ClassifySqlite(int result_code, std::string_view message);

/// Kind of a PostgreSQL SQLSTATE ("23505"). An empty state means the server
/// never answered: kUnavailable.
DbErrorKind ClassifyPostgres(std::string_view sqlstate);

/// Kind of any SOCI exception: uses the backend's code where it has one.
DbErrorKind ClassifySociError(const soci::soci_error& error);

/// A DbError carrying the SOCI exception's message and its kind.
DbError ToDbError(const soci::soci_error& error);

}  // namespace shop::platform::db
