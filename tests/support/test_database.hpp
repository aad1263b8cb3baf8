#pragma once
/// Real databases for integration tests (DESIGN §8): a fresh SQLite file in
/// a temp directory, and a fresh PostgreSQL database on the server named by
/// SHOPD_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:55432/postgres).
/// Each TestDatabase is created empty and removed (dropped) when destroyed.
///
/// Without SHOPD_TEST_POSTGRES_URL the PostgreSQL half is skipped with a
/// doctest MESSAGE, unless SHOPD_TEST_REQUIRE_SERVERS=1, which makes it a
/// failure. Not thread-safe: create and destroy on the test's thread.

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "platform/db/db.hpp"

namespace shop::testing {

class TestDatabase {
 public:
  /// A fresh database of `dialect`, or nullptr when PostgreSQL was asked for
  /// and is not configured (after reporting the skip, or failing the test
  /// when servers are required). Throws when a configured server fails.
  static std::unique_ptr<TestDatabase> Create(platform::db::Dialect dialect);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  platform::db::Dialect dialect() const { return dialect_; }
  std::string_view name() const { return platform::db::DialectName(dialect_); }
  /// The URL Db::Open takes for this database.
  const std::string& url() const { return url_; }
  /// A new pool on this database. Close every pool before the TestDatabase dies.
  std::unique_ptr<platform::db::Db> Open(std::size_t pool_size = 4) const;

 private:
  TestDatabase(platform::db::Dialect dialect, std::string url, std::string cleanup);
  platform::db::Dialect dialect_;
  std::string url_;
  std::string cleanup_;  // SQLite: the temp directory; PostgreSQL: the database name
};

/// Runs `body` on a fresh SQLite database, then on a fresh PostgreSQL one
/// (skipped as described above). Assertions inside carry the backend name;
/// an exception escaping `body` fails the test case for that backend and the
/// next backend still runs.
void ForEachBackend(const std::function<void(TestDatabase&)>& body);

/// Applies the embedded migrations of the given modules ("platform", …), so a
/// module's tests need not depend on other modules' schema. Throws
/// platform::db::MigrationError on failure.
void ApplyMigrations(platform::db::Db& db, std::initializer_list<std::string_view> modules);

/// Value of environment variable `name`, or "" when unset.
std::string Env(const char* name);

}  // namespace shop::testing
