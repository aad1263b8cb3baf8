#include "platform/db/prepared.hpp"

#include <doctest/doctest.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "platform/db/db.hpp"
#include "support/test_database.hpp"

using shop::platform::db::Db;
using shop::platform::db::DbError;
using shop::platform::db::DbErrorKind;
using shop::platform::db::Dialect;
using shop::platform::db::Exec;
using shop::platform::db::ForEachRow;
using shop::platform::db::Prepared;
using shop::platform::db::StatementCache;
using shop::platform::db::Tx;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

namespace {

constexpr const char* kCreate = "CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL)";
constexpr const char* kInsert = "INSERT INTO notes (id, body) VALUES (:id, :body)";
constexpr const char* kBody = "SELECT body FROM notes WHERE id = :id";
constexpr const char* kAll = "SELECT id, body FROM notes ORDER BY id";
constexpr const char* kCount = "SELECT COUNT(*) FROM notes";

void Create(Db& db) {
  db.InTransaction([](Tx& tx) { tx.sql() << kCreate; });
}

void Insert(Db& db, const std::string& id, const std::string& body) {
  db.InTransaction([&](Tx& tx) { Exec(tx.sql(), kInsert, soci::use(id), soci::use(body)); });
}

std::string Body(Db& db, const std::string& id) {
  return db.WithSession([&](soci::session& sql) {
    std::string body;
    if (!Exec(sql, kBody, soci::use(id), soci::into(body))) return std::string("<none>");
    return body;
  });
}

long long Count(Db& db) {
  return db.WithSession([](soci::session& sql) {
    long long n = 0;
    Exec(sql, kCount, soci::into(n));
    return n;
  });
}

}  // namespace

TEST_CASE("a statement reused with new bindings reads and writes the values it is given") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open(1);  // one connection: every call below meets the same cached statement
    Create(*db);
    for (int i = 0; i < 5; ++i) Insert(*db, "n" + std::to_string(i), "body " + std::to_string(i));
    for (int i = 0; i < 5; ++i) CHECK(Body(*db, "n" + std::to_string(i)) == "body " + std::to_string(i));
    CHECK(Body(*db, "missing") == "<none>");
    CHECK(Count(*db) == 5);

    std::vector<std::string> seen;
    db->WithSession([&](soci::session& sql) {
      ForEachRow(sql, kAll, [&](const soci::row& r) { seen.push_back(r.get<std::string>(0)); });
    });
    CHECK(seen == std::vector<std::string>{"n0", "n1", "n2", "n3", "n4"});
  });
}

TEST_CASE("the statements come from the leased connection's cache, one per text") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open(1);
    Create(*db);
    const soci::statement* first = nullptr;
    const soci::statement* second = nullptr;
    db->WithSession([&](soci::session& sql) {
      CHECK(StatementCache::ActiveFor(sql) != nullptr);
      long long n = 0;
      {
        Prepared st(sql, kCount, soci::into(n));
        st.Execute();
        first = &st.statement();
      }
      {
        Prepared st(sql, kCount, soci::into(n));
        st.Execute();
        second = &st.statement();
      }
    });
    CHECK(first == second);
  });
}

TEST_CASE("a session outside Db runs the helpers on statements of its own") {
  soci::session raw(soci::sqlite3, ":memory:");
  CHECK(StatementCache::ActiveFor(raw) == nullptr);
  raw << kCreate;
  Exec(raw, kInsert, soci::use(std::string("a")), soci::use(std::string("alpha")));
  long long n = 0;
  CHECK(Exec(raw, kCount, soci::into(n)));
  CHECK(n == 1);
}

TEST_CASE("a text run again while its rows are being read runs on a second statement") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open(1);
    Create(*db);
    Insert(*db, "a", "alpha");
    Insert(*db, "b", "beta");
    std::vector<std::string> pairs;
    db->WithSession([&](soci::session& sql) {
      ForEachRow(sql, kAll, [&](const soci::row& outer) {
        ForEachRow(sql, kAll, [&](const soci::row& inner) {
          pairs.push_back(outer.get<std::string>(0) + inner.get<std::string>(0));
        });
      });
    });
    CHECK(pairs == std::vector<std::string>{"aa", "ab", "ba", "bb"});
  });
}

TEST_CASE("a statement that failed is prepared afresh and the transaction rolls back") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open(1);
    Create(*db);
    Insert(*db, "a", "alpha");
    try {
      db->InTransaction([&](Tx& tx) {
        Exec(tx.sql(), kInsert, soci::use(std::string("b")), soci::use(std::string("beta")));
        Exec(tx.sql(), kInsert, soci::use(std::string("a")), soci::use(std::string("again")));
      });
      FAIL("expected a unique violation");
    } catch (const DbError& e) {
      CHECK(e.kind() == DbErrorKind::kUniqueViolation);
    }
    CHECK(Count(*db) == 1);
    Insert(*db, "b", "beta");
    CHECK(Body(*db, "b") == "beta");
  });
}

TEST_CASE("a result read only in part leaves no old snapshot behind on the connection") {
  ForEachBackend([](TestDatabase& t) {
    auto reader = t.Open(1);
    auto writer = t.Open(1);
    Create(*writer);
    Insert(*writer, "a", "alpha");
    Insert(*writer, "b", "beta");
    reader->WithSession([&](soci::session& sql) {
      std::string id;
      std::string body;
      CHECK(Exec(sql, kAll, soci::into(id), soci::into(body)));  // first of two rows
      CHECK(id == "a");
    });
    Insert(*writer, "c", "gamma");
    // Had the first statement stayed mid-result, SQLite would still hold
    // its read transaction here and answer 2.
    CHECK(Count(*reader) == 3);
    CHECK(Body(*reader, "c") == "gamma");
  });
}

TEST_CASE("cached statements are replaced with a PostgreSQL connection the server dropped") {
  auto t = TestDatabase::Create(Dialect::kPostgres);
  if (!t) return;
  auto db = t->Open(1);
  Create(*db);
  Insert(*db, "a", "alpha");
  CHECK(Body(*db, "a") == "alpha");  // prepared on the first connection
  auto admin = t->Open(1);
  admin->WithSession([](soci::session& sql) {
    sql << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
           " WHERE datname = current_database() AND pid <> pg_backend_pid()";
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  try {
    Body(*db, "a");
    FAIL("expected the dropped connection to surface");
  } catch (const DbError& e) {
    CHECK(e.kind() == DbErrorKind::kUnavailable);
  }
  // The new connection knows none of the old one's prepared statements.
  CHECK(Body(*db, "a") == "alpha");
  Insert(*db, "b", "beta");
  CHECK(Count(*db) == 2);
}
