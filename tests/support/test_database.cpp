#include "support/test_database.hpp"

#include <doctest/doctest.h>
#include <fmt/format.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <random>
#include <vector>

#include "platform/clock/clock.hpp"
#include "platform/db/embedded_migrations.hpp"
#include "platform/db/migrations.hpp"

namespace shop::testing {
namespace {

using platform::db::Db;
using platform::db::DbOptions;
using platform::db::Dialect;

constexpr const char* kPostgresUrlVar = "SHOPD_TEST_POSTGRES_URL";
constexpr const char* kRequireServersVar = "SHOPD_TEST_REQUIRE_SERVERS";

std::string RandomSuffix() {
  std::random_device rd;
  return fmt::format("{:08x}{:08x}", rd(), rd());
}

// The admin URL with its database name replaced.
std::string WithDatabase(const std::string& url, const std::string& database) {
  std::size_t authority = url.find("://");
  authority = authority == std::string::npos ? 0 : authority + 3;
  std::size_t query = url.find('?', authority);
  std::size_t path = url.find('/', authority);
  if (path == std::string::npos || (query != std::string::npos && path > query)) {
    std::size_t at = query == std::string::npos ? url.size() : query;
    return url.substr(0, at) + "/" + database + url.substr(at);
  }
  std::size_t end = query == std::string::npos ? url.size() : query;
  return url.substr(0, path + 1) + database + url.substr(end);
}

void AdminExec(const std::string& admin_url, const std::string& statement) {
  std::unique_ptr<Db> admin = Db::Open(DbOptions{.url = admin_url, .pool_size = 1});
  // CREATE/DROP DATABASE cannot run inside a transaction: autocommit session.
  admin->WithSession([&](soci::session& sql) { sql << statement; });
}

}  // namespace

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

std::unique_ptr<TestDatabase> TestDatabase::Create(Dialect dialect) {
  if (dialect == Dialect::kSqlite) {
    std::string pattern = (std::filesystem::temp_directory_path() / "shopd-test-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    std::string dir(buffer.data());
    return std::unique_ptr<TestDatabase>(new TestDatabase(dialect, "sqlite:" + dir + "/shop.db", dir));
  }
  std::string admin_url = Env(kPostgresUrlVar);
  if (admin_url.empty()) {
    if (Env(kRequireServersVar) == "1") {
      FAIL_CHECK((std::string(kPostgresUrlVar) + " is not set but " + kRequireServersVar + "=1"));
    } else {
      MESSAGE((std::string("PostgreSQL half skipped: ") + kPostgresUrlVar + " is not set"));
    }
    return nullptr;
  }
  std::string database = "t_" + RandomSuffix();
  AdminExec(admin_url, "CREATE DATABASE " + database);
  return std::unique_ptr<TestDatabase>(
      new TestDatabase(dialect, WithDatabase(admin_url, database), database));
}

TestDatabase::TestDatabase(Dialect dialect, std::string url, std::string cleanup)
    : dialect_(dialect), url_(std::move(url)), cleanup_(std::move(cleanup)) {}

TestDatabase::~TestDatabase() {
  try {
    if (dialect_ == Dialect::kSqlite) {
      std::error_code ec;
      std::filesystem::remove_all(cleanup_, ec);
    } else {
      // FORCE ends connections a failed test may have left open.
      AdminExec(Env(kPostgresUrlVar), "DROP DATABASE IF EXISTS " + cleanup_ + " WITH (FORCE)");
    }
  } catch (const std::exception& e) {
    MESSAGE(("could not remove test database " + cleanup_ + ": " + e.what()));
  }
}

std::unique_ptr<Db> TestDatabase::Open(std::size_t pool_size) const {
  return Db::Open(DbOptions{.url = url_, .pool_size = pool_size});
}

void ForEachBackend(const std::function<void(TestDatabase&)>& body) {
  for (Dialect dialect : {Dialect::kSqlite, Dialect::kPostgres}) {
    std::string_view backend = platform::db::DialectName(dialect);
    INFO("backend: " << std::string(backend));
    try {
      std::unique_ptr<TestDatabase> database = TestDatabase::Create(dialect);
      if (!database) continue;
      body(*database);
    } catch (const std::exception& e) {
      FAIL_CHECK((std::string(backend) + ": unexpected exception: " + e.what()));
    }
  }
}

void ApplyMigrations(Db& db, std::initializer_list<std::string_view> modules) {
  std::vector<platform::db::EmbeddedFile> selected;
  for (const auto& file : platform::db::EmbeddedMigrationFiles()) {
    for (std::string_view module : modules) {
      if (file.path.substr(0, module.size() + 1) == std::string(module) + "/") {
        selected.push_back(file);
      }
    }
  }
  static const platform::SystemClock kClock;
  platform::db::Migrator(db, selected, kClock).Apply();
}

}  // namespace shop::testing
