#include "platform/db/errors.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

namespace shop::platform::db {
namespace {

// Primary SQLite result codes (sqlite3.h); extended codes keep them in the low byte.
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteProtocol = 15;
constexpr int kSqliteConstraint = 19;
constexpr int kSqliteNotADb = 26;

constexpr int kSqliteConstraintCheck = kSqliteConstraint | (1 << 8);
constexpr int kSqliteConstraintForeignKey = kSqliteConstraint | (3 << 8);
constexpr int kSqliteConstraintPrimaryKey = kSqliteConstraint | (6 << 8);
constexpr int kSqliteConstraintUnique = kSqliteConstraint | (8 << 8);

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

std::string_view DbErrorKindName(DbErrorKind kind) {
  switch (kind) {
    case DbErrorKind::kUniqueViolation:
      return "unique-violation";
    case DbErrorKind::kCheckViolation:
      return "check-violation";
    case DbErrorKind::kForeignKeyViolation:
      return "foreign-key-violation";
    case DbErrorKind::kRetryable:
      return "retryable";
    case DbErrorKind::kUnavailable:
      return "unavailable";
    case DbErrorKind::kOther:
      return "other";
  }
  return "other";
}

DbErrorKind ClassifySqlite(int result_code, std::string_view message) {
  switch (result_code) {
    case kSqliteConstraintUnique:
    case kSqliteConstraintPrimaryKey:
      return DbErrorKind::kUniqueViolation;
    case kSqliteConstraintCheck:
      return DbErrorKind::kCheckViolation;
    case kSqliteConstraintForeignKey:
      return DbErrorKind::kForeignKeyViolation;
    default:
      break;
  }
  switch (result_code & 0xff) {
    case kSqliteBusy:
    case kSqliteLocked:
      return DbErrorKind::kRetryable;
    case kSqliteIoErr:
    case kSqliteCorrupt:
    case kSqliteFull:
    case kSqliteCantOpen:
    case kSqliteProtocol:
    case kSqliteNotADb:
      return DbErrorKind::kUnavailable;
    case kSqliteConstraint:
      // Without extended result codes only the message tells the constraints apart.
      if (Contains(message, "UNIQUE constraint") || Contains(message, "PRIMARY KEY")) {
        return DbErrorKind::kUniqueViolation;
      }
      if (Contains(message, "CHECK constraint")) return DbErrorKind::kCheckViolation;
      if (Contains(message, "FOREIGN KEY constraint")) return DbErrorKind::kForeignKeyViolation;
      return DbErrorKind::kOther;
    default:
      return DbErrorKind::kOther;
  }
}

DbErrorKind ClassifyPostgres(std::string_view sqlstate) {
  if (sqlstate.size() != 5 || sqlstate == "     ") return DbErrorKind::kUnavailable;
  if (sqlstate == "23505") return DbErrorKind::kUniqueViolation;
  if (sqlstate == "23514") return DbErrorKind::kCheckViolation;
  if (sqlstate == "23503") return DbErrorKind::kForeignKeyViolation;
  // serialization_failure, deadlock_detected, lock_not_available.
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return DbErrorKind::kRetryable;
  }
  // connection_exception class, insufficient_resources class, operator intervention
  // (admin_shutdown, crash_shutdown, cannot_connect_now).
  std::string_view cls = sqlstate.substr(0, 2);
  if (cls == "08" || cls == "53" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03") {
    return DbErrorKind::kUnavailable;
  }
  return DbErrorKind::kOther;
}

DbErrorKind ClassifySociError(const soci::soci_error& error) {
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    return ClassifySqlite(sqlite->result(), sqlite->get_error_message());
  }
  if (const auto* pg = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    return ClassifyPostgres(pg->sqlstate());
  }
  if (error.get_error_category() == soci::soci_error::connection_error ||
      Contains(error.get_error_message(), "Cannot establish connection")) {
    return DbErrorKind::kUnavailable;
  }
  return DbErrorKind::kOther;
}

DbError ToDbError(const soci::soci_error& error) { return DbError(ClassifySociError(error), error.what()); }

}  // namespace shop::platform::db
