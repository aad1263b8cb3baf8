#include "platform/db/migrations.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <thread>

#include "platform/db/embedded_migrations.hpp"
#include "support/test_database.hpp"

using shop::platform::ManualClock;
using shop::platform::db::Db;
using shop::platform::db::Dialect;
using shop::platform::db::EmbeddedFile;
using shop::platform::db::MigrationError;
using shop::platform::db::Migrator;
using shop::platform::db::PlanMigrations;
using shop::platform::db::Tx;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

namespace {

// Two statements in one file: only runnable through the raw multi-statement path.
const std::vector<EmbeddedFile> kV1 = {
    {"shelf/0001_create.sql",
     "CREATE TABLE shelf_books (id TEXT PRIMARY KEY, title TEXT NOT NULL);\n"
     "CREATE INDEX shelf_books_title ON shelf_books (title);\n"},
    {"shelf/0002_seed.sqlite.sql", "INSERT INTO shelf_books VALUES ('1', 'sqlite');"},
    {"shelf/0002_seed.postgresql.sql", "INSERT INTO shelf_books VALUES ('1', 'postgresql');"},
    {"platform/0001_base.sql", "CREATE TABLE platform_things (id TEXT PRIMARY KEY);"},
};

std::vector<EmbeddedFile> With(std::vector<EmbeddedFile> files, EmbeddedFile extra) {
  files.push_back(extra);
  return files;
}

long long Count(Db& db, const std::string& sql) {
  return db.WithSession([&](soci::session& s) {
    long long n = 0;
    s << sql, soci::into(n);
    return n;
  });
}

std::string Title(Db& db) {
  return db.WithSession([](soci::session& s) {
    std::string title;
    s << "SELECT title FROM shelf_books WHERE id = '1'", soci::into(title);
    return title;
  });
}

}  // namespace

TEST_CASE("the plan picks the dialect's own file and orders platform first") {
  auto sqlite = PlanMigrations(kV1, Dialect::kSqlite);
  REQUIRE(sqlite.size() == 3);
  CHECK(sqlite[0].path == "platform/0001_base.sql");
  CHECK(sqlite[1].path == "shelf/0001_create.sql");
  CHECK(sqlite[2].path == "shelf/0002_seed.sqlite.sql");
  CHECK(sqlite[2].name == "seed");
  CHECK(sqlite[2].version == 2);
  CHECK(sqlite[2].checksum.size() == 64);

  auto pg = PlanMigrations(kV1, Dialect::kPostgres);
  REQUIRE(pg.size() == 3);
  CHECK(pg[2].path == "shelf/0002_seed.postgresql.sql");
  CHECK(pg[2].checksum != sqlite[2].checksum);

  // A dialect file overrides a shared one of the same version.
  auto overridden =
      PlanMigrations({{"m/0001_x.sql", "A"}, {"m/0001_x.postgresql.sql", "B"}}, Dialect::kPostgres);
  REQUIRE(overridden.size() == 1);
  CHECK(overridden[0].sql == "B");
  CHECK(PlanMigrations({{"m/0001_x.sql", "A"}, {"m/0001_x.postgresql.sql", "B"}}, Dialect::kSqlite)[0].sql ==
        "A");
}

TEST_CASE("malformed or clashing migration files are refused") {
  for (std::string_view bad : {"0001_x.sql", "m/x.sql", "m/0001.sql", "m/0001_x.txt", "m/sub/0001_x.sql",
                               "m/0000_x.sql", "M/0001_x.sql", "m/0001_X.sql", "m/v1_x.sql"}) {
    INFO("file: " << std::string(bad));
    CHECK_THROWS_AS(PlanMigrations({{bad, ""}}, Dialect::kSqlite), std::invalid_argument);
  }
  CHECK_THROWS_AS(PlanMigrations({{"m/0001_a.sql", ""}, {"m/0001_b.sql", ""}}, Dialect::kSqlite),
                  std::invalid_argument);
  CHECK_THROWS_AS(PlanMigrations({{"m/0001_a.sql", ""}, {"m/0001_b.sqlite.sql", ""}}, Dialect::kSqlite),
                  std::invalid_argument);
  CHECK(shop::platform::db::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("migrations apply once, in order, with the dialect's file, and re-running is a no-op") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    ManualClock clock;
    Migrator migrator(*db, kV1, clock);

    auto before = migrator.Check();
    CHECK(before.pending.size() == 3);
    CHECK(before.Compatible());
    CHECK_FALSE(before.UpToDate());
    CHECK(before.Describe().find("shelf/0002_seed") != std::string::npos);

    CHECK(migrator.Apply() == 3);
    CHECK(Title(*db) == std::string(shop::platform::db::DialectName(t.dialect())));
    CHECK(Count(*db, "SELECT COUNT(*) FROM schema_migrations") == 3);
    CHECK(Count(*db, "SELECT COUNT(*) FROM schema_migrations WHERE applied_at_ms = " +
                         std::to_string(clock.NowMs())) == 3);

    auto after = migrator.Check();
    CHECK(after.UpToDate());
    CHECK(after.applied.size() == 3);
    CHECK(after.Describe().empty());
    CHECK(migrator.Apply() == 0);
    CHECK(Count(*db, "SELECT COUNT(*) FROM shelf_books") == 1);

    // A later binary adds a migration: only that one runs.
    auto v2 = With(kV1, {"shelf/0003_more.sql", "INSERT INTO shelf_books VALUES ('2', 'more');"});
    Migrator newer(*db, v2, clock);
    CHECK(newer.Check().pending.size() == 1);
    CHECK(newer.Apply() == 1);
    CHECK(Count(*db, "SELECT COUNT(*) FROM shelf_books") == 2);
  });
}

TEST_CASE("a schema newer than the binary, or an edited migration, is refused") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    ManualClock clock;
    auto v2 = With(kV1, {"shelf/0003_more.sql", "INSERT INTO shelf_books VALUES ('2', 'more');"});
    Migrator(*db, v2, clock).Apply();

    // The old binary does not know shelf/0003.
    Migrator older(*db, kV1, clock);
    auto status = older.Check();
    CHECK_FALSE(status.Compatible());
    REQUIRE(status.unknown.size() == 1);
    CHECK(status.unknown[0].ToString() == "shelf/0003_more");
    CHECK(status.Describe().find("does not know") != std::string::npos);
    CHECK_THROWS_AS(older.Apply(), MigrationError);

    // Someone edited an applied file.
    auto edited = v2;
    edited[0].content = "CREATE TABLE shelf_books (id TEXT PRIMARY KEY);";
    auto extra = With(edited, {"shelf/0004_never.sql", "CREATE TABLE shelf_never (id TEXT);"});
    Migrator tampered(*db, extra, clock);
    auto mismatch = tampered.Check();
    REQUIRE(mismatch.checksum_mismatch.size() == 1);
    CHECK(mismatch.checksum_mismatch[0].ToString() == "shelf/0001_create");
    CHECK(mismatch.pending.size() == 1);
    CHECK_THROWS_AS(tampered.Apply(), MigrationError);
    // Refused before anything ran.
    CHECK(Count(*db, "SELECT COUNT(*) FROM schema_migrations") == 4);
    CHECK_THROWS(Count(*db, "SELECT COUNT(*) FROM shelf_never"));
  });
}

TEST_CASE("a failing migration is rolled back and not recorded") {
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    ManualClock clock;
    auto broken = With(kV1, {"shelf/0003_broken.sql",
                             "CREATE TABLE shelf_half (id TEXT);\nINSERT INTO nowhere VALUES (1);"});
    Migrator migrator(*db, broken, clock);
    try {
      migrator.Apply();
      FAIL("expected the migration to fail");
    } catch (const MigrationError& e) {
      CHECK(std::string(e.what()).find("shelf/0003_broken.sql") != std::string::npos);
    }
    // The earlier ones stay; the broken one left nothing behind.
    CHECK(Count(*db, "SELECT COUNT(*) FROM schema_migrations") == 3);
    CHECK_THROWS(Count(*db, "SELECT COUNT(*) FROM shelf_half"));
    auto status = migrator.Check();
    REQUIRE(status.pending.size() == 1);
    CHECK(status.pending[0].ToString() == "shelf/0003_broken");
  });
}

TEST_CASE("concurrent migrators apply each migration exactly once") {
  ForEachBackend([](TestDatabase& t) {
    constexpr int kInstances = 3;
    std::vector<std::unique_ptr<Db>> dbs;
    for (int i = 0; i < kInstances; ++i) dbs.push_back(t.Open(2));
    ManualClock clock;
    std::atomic<int> applied{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (auto& db : dbs) {
      threads.emplace_back([&, db = db.get()] {
        try {
          applied += static_cast<int>(Migrator(*db, kV1, clock).Apply());
        } catch (const std::exception& e) {
          ++failures;
          MESSAGE("migrator failed: " << std::string(e.what()));
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(failures == 0);
    CHECK(applied == 3);
    CHECK(Count(*dbs[0], "SELECT COUNT(*) FROM shelf_books") == 1);
  });
}

TEST_CASE("the embedded platform migrations apply on both dialects") {
  bool found = false;
  for (const auto& file : shop::platform::db::EmbeddedMigrationFiles()) {
    found = found || file.path == "platform/0001_events.sql";
  }
  CHECK(found);
  ForEachBackend([](TestDatabase& t) {
    auto db = t.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    CHECK(Count(*db, "SELECT COUNT(*) FROM events_outbox") == 0);
    CHECK(Count(*db, "SELECT COUNT(*) FROM events_dead_letters") == 0);
  });
}
