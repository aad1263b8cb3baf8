#include "platform/db/errors.hpp"

#include <doctest/doctest.h>

using shop::platform::db::ClassifyPostgres;
using shop::platform::db::ClassifySqlite;
using shop::platform::db::DbErrorKind;

TEST_CASE("SQLite result codes map to error kinds") {
  CHECK(ClassifySqlite(2067, "") == DbErrorKind::kUniqueViolation);  // SQLITE_CONSTRAINT_UNIQUE
  CHECK(ClassifySqlite(1555, "") == DbErrorKind::kUniqueViolation);  // SQLITE_CONSTRAINT_PRIMARYKEY
  CHECK(ClassifySqlite(275, "") == DbErrorKind::kCheckViolation);
  CHECK(ClassifySqlite(787, "") == DbErrorKind::kForeignKeyViolation);
  CHECK(ClassifySqlite(5, "") == DbErrorKind::kRetryable);     // SQLITE_BUSY
  CHECK(ClassifySqlite(517, "") == DbErrorKind::kRetryable);   // SQLITE_BUSY_SNAPSHOT
  CHECK(ClassifySqlite(6, "") == DbErrorKind::kRetryable);     // SQLITE_LOCKED
  CHECK(ClassifySqlite(14, "") == DbErrorKind::kUnavailable);  // SQLITE_CANTOPEN
  CHECK(ClassifySqlite(1, "no such table: x") == DbErrorKind::kOther);
  // Primary code only: the message decides.
  CHECK(ClassifySqlite(19, "UNIQUE constraint failed: t.b") == DbErrorKind::kUniqueViolation);
  CHECK(ClassifySqlite(19, "CHECK constraint failed: c > 0") == DbErrorKind::kCheckViolation);
}

TEST_CASE("PostgreSQL SQLSTATEs map to error kinds") {
  CHECK(ClassifyPostgres("23505") == DbErrorKind::kUniqueViolation);
  CHECK(ClassifyPostgres("23514") == DbErrorKind::kCheckViolation);
  CHECK(ClassifyPostgres("23503") == DbErrorKind::kForeignKeyViolation);
  CHECK(ClassifyPostgres("40001") == DbErrorKind::kRetryable);
  CHECK(ClassifyPostgres("40P01") == DbErrorKind::kRetryable);
  CHECK(ClassifyPostgres("08006") == DbErrorKind::kUnavailable);
  CHECK(ClassifyPostgres("57P01") == DbErrorKind::kUnavailable);
  CHECK(ClassifyPostgres("") == DbErrorKind::kUnavailable);
  CHECK(ClassifyPostgres("42P01") == DbErrorKind::kOther);
}
