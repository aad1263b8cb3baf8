#include "platform/db/db.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>
#include <vector>

#include "platform/core/error.hpp"
#include "support/test_database.hpp"

using shop::Error;
using shop::Result;
using shop::platform::db::Db;
using shop::platform::db::DbError;
using shop::platform::db::DbErrorKind;
using shop::platform::db::DbOptions;
using shop::platform::db::Tx;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

namespace {

constexpr const char* kCreateItems =
    "CREATE TABLE items (id TEXT PRIMARY KEY, qty BIGINT NOT NULL CHECK (qty >= 0))";
constexpr const char* kInsertItem = "INSERT INTO items (id, qty) VALUES (:id, :qty)";
constexpr const char* kCountItems = "SELECT COUNT(*) FROM items";
constexpr const char* kSelectQty = "SELECT qty FROM items WHERE id = :id";
constexpr const char* kIncrement = "UPDATE items SET qty = qty + 1 WHERE id = :id";

void CreateItems(Db& db) {
  db.InTransaction([](Tx& tx) { tx.sql() << kCreateItems; });
}

void Insert(Tx& tx, const std::string& id, std::int64_t qty) {
  tx.sql() << kInsertItem, soci::use(id), soci::use(qty);
}

long long CountItems(Db& db) {
  return db.WithSession([](soci::session& sql) {
    long long n = 0;
    sql << kCountItems, soci::into(n);
    return n;
  });
}

std::int64_t Qty(Db& db, const std::string& id) {
  return db.WithSession([&](soci::session& sql) {
    std::int64_t qty = -1;
    sql << kSelectQty, soci::use(id), soci::into(qty);
    return qty;
  });
}

}  // namespace

TEST_CASE("a transaction commits on return and rolls back on an exception") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    CHECK(db->dialect() == t.dialect());
    CHECK(db->Ping());
    CreateItems(*db);

    db->InTransaction([](Tx& tx) { Insert(tx, "a", 1); });
    CHECK(CountItems(*db) == 1);

    CHECK_THROWS_WITH_AS(db->InTransaction([](Tx& tx) {
      Insert(tx, "b", 1);
      throw std::runtime_error("boom");
    }),
                         "boom", std::runtime_error);
    CHECK(CountItems(*db) == 1);

    int value = db->InTransaction([](Tx& tx) {
      Insert(tx, "c", 3);
      return 42;
    });
    CHECK(value == 42);
    CHECK(CountItems(*db) == 2);
  });
}

TEST_CASE("a transaction returning an error Result changes nothing") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    CreateItems(*db);
    bool after_commit_ran = false;

    Result<int> failed = db->InTransaction([&](Tx& tx) -> Result<int> {
      Insert(tx, "a", 1);
      tx.AfterCommit([&] { after_commit_ran = true; });
      return Error::Conflict("no");
    });
    REQUIRE(failed.has_error());
    CHECK(failed.error().code == shop::ErrorCode::kConflict);
    CHECK(CountItems(*db) == 0);
    CHECK_FALSE(after_commit_ran);

    Result<int> ok = db->InTransaction([&](Tx& tx) -> Result<int> {
      Insert(tx, "a", 1);
      tx.AfterCommit([&] { after_commit_ran = true; });
      return 7;
    });
    REQUIRE(ok.has_value());
    CHECK(*ok == 7);
    CHECK(CountItems(*db) == 1);
    CHECK(after_commit_ran);
  });
}

TEST_CASE("AfterCommit callbacks run only after a commit") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open(1);  // the callback's query needs the one connection back
    CreateItems(*db);
    std::vector<std::string> seen;
    CHECK_THROWS(db->InTransaction([&](Tx& tx) {
      tx.AfterCommit([&] { seen.push_back("rolled back"); });
      throw std::runtime_error("x");
    }));
    db->InTransaction([&](Tx& tx) {
      Insert(tx, "a", 1);
      tx.AfterCommit([&] {
        // The data is already visible to other connections.
        seen.push_back("count=" + std::to_string(CountItems(*db)));
      });
      tx.AfterCommit([] { throw std::runtime_error("ignored"); });
      tx.AfterCommit([&] { seen.push_back("second"); });
    });
    CHECK(seen == std::vector<std::string>{"count=1", "second"});
  });
}

TEST_CASE("BeforeCommit hooks write inside the transaction and a failing hook rolls it back") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    CreateItems(*db);
    struct Counter {
      int n = 0;
    };
    int key = 0;
    db->InTransaction([&](Tx& tx) {
      CHECK(++tx.Local<Counter>(&key).n == 1);
      CHECK(++tx.Local<Counter>(&key).n == 2);
      tx.BeforeCommit([](Tx& t2) {
        Insert(t2, "from-hook", 1);
        t2.BeforeCommit([](Tx& t3) { Insert(t3, "from-nested-hook", 1); });
      });
    });
    CHECK(CountItems(*db) == 2);

    bool committed = false;
    CHECK_THROWS_AS(db->InTransaction([&](Tx& tx) {
      Insert(tx, "a", 1);
      tx.BeforeCommit([](Tx& t2) { Insert(t2, "from-hook", 2); });  // duplicate key
      tx.AfterCommit([&] { committed = true; });
    }),
                    DbError);
    CHECK_FALSE(committed);
    CHECK(CountItems(*db) == 2);

    // Hooks do not run when the function reports an expected failure.
    Result<int> refused = db->InTransaction([&](Tx& tx) -> Result<int> {
      tx.BeforeCommit([](Tx& t2) { Insert(t2, "never", 1); });
      return Error::Conflict("no");
    });
    CHECK(refused.has_error());
    CHECK(CountItems(*db) == 2);
  });
}

TEST_CASE("constraint violations map to DbError kinds and roll back") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    CreateItems(*db);
    db->InTransaction([](Tx& tx) { Insert(tx, "a", 1); });

    try {
      db->InTransaction([](Tx& tx) {
        Insert(tx, "b", 1);
        Insert(tx, "a", 2);
      });
      FAIL("expected a unique violation");
    } catch (const DbError& e) {
      CHECK(e.kind() == DbErrorKind::kUniqueViolation);
    }
    try {
      db->InTransaction([](Tx& tx) { Insert(tx, "c", -1); });
      FAIL("expected a check violation");
    } catch (const DbError& e) {
      CHECK(e.kind() == DbErrorKind::kCheckViolation);
    }
    try {
      db->WithSession([](soci::session& sql) { sql << "SELECT * FROM no_such_table"; });
      FAIL("expected an error");
    } catch (const DbError& e) {
      CHECK(e.kind() == DbErrorKind::kOther);
    }
    CHECK(CountItems(*db) == 1);
    // The pool is still usable after errors.
    db->InTransaction([](Tx& tx) { Insert(tx, "d", 1); });
    CHECK(CountItems(*db) == 2);
  });
}

TEST_CASE("a retryable error reruns the whole transaction") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    CreateItems(*db);
    int runs = 0;
    int after_commit = 0;
    db->InTransaction([&](Tx& tx) {
      ++runs;
      Insert(tx, "a", runs);
      tx.AfterCommit([&] { ++after_commit; });
      if (runs < 3) throw DbError(DbErrorKind::kRetryable, "simulated conflict");
    });
    CHECK(runs == 3);
    CHECK(after_commit == 1);
    CHECK(Qty(*db, "a") == 3);

    int attempts = 0;
    CHECK_THROWS_AS(db->InTransaction([&](Tx&) {
      ++attempts;
      throw DbError(DbErrorKind::kRetryable, "always");
    }),
                    DbError);
    CHECK(attempts == DbOptions{}.max_transaction_attempts);
  });
}

TEST_CASE("concurrent writers neither fail nor lose updates (BEGIN IMMEDIATE, busy_timeout)") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open(4);
    CreateItems(*db);
    db->InTransaction([](Tx& tx) { Insert(tx, "counter", 0); });
    constexpr int kThreads = 4;
    constexpr int kIncrements = 50;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&] {
        for (int n = 0; n < kIncrements; ++n) {
          try {
            // Read-then-write: with a deferred BEGIN two SQLite writers would
            // both read, then one would fail with SQLITE_BUSY on its write.
            db->InTransaction([&](Tx& tx) {
              std::int64_t qty = 0;
              std::string id = "counter";
              tx.sql() << kSelectQty, soci::use(id), soci::into(qty);
              if (tx.dialect() == shop::platform::db::Dialect::kPostgres) {
                tx.sql() << kIncrement, soci::use(id);
              } else {
                std::int64_t next = qty + 1;
                tx.sql() << "UPDATE items SET qty = :qty WHERE id = :id", soci::use(next), soci::use(id);
              }
            });
          } catch (...) {
            ++failures;
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    CHECK(Qty(*db, "counter") == kThreads * kIncrements);
  });
}

TEST_CASE("concurrent writers that fail roll back only their own writes, and each returns after its commit") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open(4);
    CreateItems(*db);
    // SQLite writers that queue behind each other share one transaction
    // (group commit); a failing writer in the middle of such a group must
    // take only its own rows with it.
    constexpr int kThreads = 8;
    constexpr int kWrites = 40;
    std::atomic<int> thrown{0};
    std::atomic<int> refused{0};
    std::atomic<int> unseen_after_return{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        for (int n = 0; n < kWrites; ++n) {
          const std::string id = std::to_string(i) + "-" + std::to_string(n);
          const int kind = (i + n) % 4;  // 0: throws, 1: returns an error, else commits
          bool after_commit_ran = false;
          try {
            Result<int> r = db->InTransaction([&](Tx& tx) -> Result<int> {
              Insert(tx, id, n);
              if (kind == 0) throw std::runtime_error("the caller's own failure");
              if (kind == 1) return Error::Conflict("refused");
              tx.AfterCommit([&] { after_commit_ran = true; });
              return n;
            });
            if (!r) {
              ++refused;
              continue;
            }
          } catch (const std::runtime_error&) {
            ++thrown;
            continue;
          }
          // Returned: committed and visible on any other connection.
          if (!after_commit_ran || Qty(*db, id) != n) ++unseen_after_return;
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(thrown == kThreads * kWrites / 4);
    CHECK(refused == kThreads * kWrites / 4);
    CHECK(unseen_after_return == 0);
    CHECK(CountItems(*db) == kThreads * kWrites / 2);
    for (int i = 0; i < kThreads; ++i) {
      for (int n = 0; n < kWrites; ++n) {
        const int kind = (i + n) % 4;
        CHECK(Qty(*db, std::to_string(i) + "-" + std::to_string(n)) == (kind < 2 ? -1 : n));
      }
    }
  });
}

TEST_CASE("Open creates the SQLite parent directory and refuses unreachable servers") {
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("shopd-db-open-" + std::to_string(std::random_device{}()));
  std::filesystem::path file = root / "a" / "b" / "shop.db";
  {
    auto db = Db::Open(DbOptions{.url = "sqlite:" + file.string(), .pool_size = 2});
    CHECK(db->Ping());
    CHECK(std::filesystem::exists(file));
  }
  std::filesystem::remove_all(root);

  try {
    Db::Open(DbOptions{.url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2", .pool_size = 1});
    FAIL("expected the connection to fail");
  } catch (const DbError& e) {
    CHECK(e.kind() == DbErrorKind::kUnavailable);
  }
}

TEST_CASE("a SQLite database file receives committed pages from the background checkpoint, not from the writer") {
  std::filesystem::path root =
      std::filesystem::temp_directory_path() / ("shopd-db-checkpoint-" + std::to_string(std::random_device{}()));
  std::filesystem::path file = root / "shop.db";
  {
    auto db = Db::Open(DbOptions{.url = "sqlite:" + file.string(), .pool_size = 2});
    db->InTransaction([](Tx& tx) { tx.sql() << "CREATE TABLE blobs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"; });
    // About 1.2 MB (300 pages): far below the writers' own 10,000-page
    // threshold, so only the checkpointer thread copies it into the file.
    db->InTransaction([](Tx& tx) {
      for (int i = 0; i < 300; ++i) {
        const std::string body(4000, static_cast<char>('a' + i % 26));
        tx.sql() << "INSERT INTO blobs (id, body) VALUES (:id, :body)", soci::use(i), soci::use(body);
      }
    });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (std::filesystem::file_size(file) < 1'000'000 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    CHECK(std::filesystem::file_size(file) >= 1'000'000);
    long long rows = 0;
    db->WithSession([&](soci::session& sql) { sql << "SELECT COUNT(*) FROM blobs", soci::into(rows); });
    CHECK(rows == 300);
  }
  std::filesystem::remove_all(root);
}

TEST_CASE("an in-memory SQLite database uses a single connection") {
  auto db = Db::Open(DbOptions{.url = "sqlite::memory:", .pool_size = 8});
  CreateItems(*db);
  db->InTransaction([](Tx& tx) { Insert(tx, "a", 1); });
  CHECK(CountItems(*db) == 1);
}

TEST_CASE("a PostgreSQL connection dropped by the server is replaced") {
  auto t = TestDatabase::Create(shop::platform::db::Dialect::kPostgres);
  if (!t) return;
  auto db = t->Open(1);
  CreateItems(*db);
  auto admin = t->Open(1);
  auto kill_others = [&] {
    admin->WithSession([](soci::session& sql) {
      sql << "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity"
             " WHERE datname = current_database() AND pid <> pg_backend_pid()";
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  };

  kill_others();
  db->InTransaction([](Tx& tx) { Insert(tx, "a", 1); });  // reconnects transparently
  CHECK(CountItems(*db) == 1);

  kill_others();
  try {
    CountItems(*db);
    FAIL("expected the dropped connection to surface");
  } catch (const DbError& e) {
    CHECK(e.kind() == DbErrorKind::kUnavailable);
  }
  CHECK(CountItems(*db) == 1);
  kill_others();
  CHECK(db->Ping());
}
