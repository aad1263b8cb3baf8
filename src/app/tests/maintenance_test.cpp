// The housekeeping pass: old inbox entries and old Idempotency-Key entries
// go, recent ones stay.
#include "app/maintenance.hpp"

#include <doctest/doctest.h>

#include "platform/events/inbox.hpp"
#include "platform/idempotency/idempotency.hpp"
#include "support/test_database.hpp"

namespace {

using shop::app::Maintenance;
using shop::platform::ManualClock;
namespace idem = shop::platform::idempotency;

std::int64_t Count(shop::platform::db::Db& db, const std::string& table) {
  return db.WithSession([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM " + table, soci::into(n);
    return static_cast<std::int64_t>(n);
  });
}

void Record(shop::platform::db::Db& db, const ManualClock& clock, const std::string& event_id) {
  db.InTransaction([&](shop::platform::db::Tx& tx) {
    REQUIRE(shop::platform::events::Inbox::TryRecord(tx, "test.consumer", event_id, clock.NowMs()));
  });
}

void Answer(idem::IdempotencyStore& store, const std::string& key) {
  REQUIRE(store.Begin("checkout:guest", key, "hash").kind == idem::ClaimKind::kFresh);
  store.Complete("checkout:guest", key, idem::StoredResponse{201, "application/json", "", "{}"});
}

}  // namespace

TEST_CASE("maintenance prunes inbox entries and idempotency keys past their retention, keeps the rest") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    ManualClock clock;
    idem::IdempotencyStore store(*db, clock, idem::kDefaultRetention, idem::kDefaultLockTimeout);
    Maintenance maintenance(*db, clock, std::chrono::hours(24 * 7));

    Record(*db, clock, "evt-old");
    Answer(store, "key-old");
    clock.Advance(std::chrono::hours(24 * 7) + std::chrono::minutes(1));
    Record(*db, clock, "evt-new");
    Answer(store, "key-new");

    const Maintenance::Pruned pruned = maintenance.RunOnce();
    CHECK(pruned.inbox_entries == 1);
    CHECK(pruned.idempotency_keys == 1);
    CHECK(Count(*db, "events_inbox") == 1);
    CHECK(Count(*db, "platform_idempotency_keys") == 1);
    // The kept key still replays its answer.
    CHECK(store.Begin("checkout:guest", "key-new", "hash").kind == idem::ClaimKind::kReplay);
    CHECK(maintenance.RunOnce().idempotency_keys == 0);
  });
}
