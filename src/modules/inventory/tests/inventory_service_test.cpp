#include <doctest/doctest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "inventory_fixture.hpp"
#include "sweeper.hpp"

using shop::ErrorCode;
using shop::inventory::kMaxQuantity;
using shop::inventory::MovementKind;
using shop::inventory::ReservationLine;
using shop::inventory::ReservationStatus;
using shop::inventory::Sku;
using namespace shop::inventory::testing;
using namespace std::chrono_literals;

namespace {

std::vector<ReservationLine> Lines(std::initializer_list<std::pair<const char*, std::int64_t>> lines) {
  std::vector<ReservationLine> out;
  for (const auto& [sku, q] : lines) out.push_back({Sku{sku}, q});
  return out;
}

std::int64_t Later(InventoryFixture& f) { return f.clock.NowMs() + 15 * 60 * 1000; }

}  // namespace

TEST_CASE("track, adjust and get keep on_hand = available + reserved and write the ledger") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    auto tracked = s.Track(Sku{"TEE-RED-M"});
    REQUIRE(tracked.has_value());
    CHECK(tracked->on_hand == 0);
    CHECK(tracked->low_stock_threshold == 5);
    // Tracking again leaves the SKU as it is.
    REQUIRE(s.Adjust(Sku{"TEE-RED-M"}, 12, "received PO 17", "user-1").has_value());
    CHECK(s.Track(Sku{"TEE-RED-M"})->on_hand == 12);

    auto level = s.Adjust(Sku{"TEE-RED-M"}, -2, " damaged ", "user-2");
    REQUIRE(level.has_value());
    CHECK(level->on_hand == 10);
    CHECK(level->reserved == 0);
    CHECK(level->available == 10);

    auto got = s.Get(Sku{"TEE-RED-M"});
    REQUIRE(got.has_value());
    CHECK(got->on_hand == 10);
    CHECK(s.Get(Sku{"NOPE"}).error().code == ErrorCode::kNotFound);

    auto ledger = s.Ledger(Sku{"TEE-RED-M"}, 10, "");
    REQUIRE(ledger.has_value());
    REQUIRE(ledger->items.size() == 2);
    CHECK(ledger->items[0].kind == MovementKind::kAdjust);
    CHECK(ledger->items[0].on_hand_delta == -2);
    CHECK(ledger->items[0].on_hand_after == 10);
    CHECK(ledger->items[0].reason == "damaged");
    CHECK(ledger->items[0].actor == "user-2");
    CHECK(ledger->items[1].kind == MovementKind::kReceive);
    CHECK(ledger->items[1].on_hand_delta == 12);
    CHECK(ledger->items[1].reason == "received PO 17");
    CHECK(ledger->items[1].at_ms == f.clock.NowMs());
    CHECK_FALSE(ledger->next_cursor.has_value());

    auto changed = f.Events(kStockChanged);
    REQUIRE(changed.size() == 2);
    CHECK(changed[1].envelope.aggregate_type == "stock_item");
    CHECK(changed[1].envelope.aggregate_id == "TEE-RED-M");
    CHECK(changed[1].payload.at("on_hand").as_int64() == 10);
    CHECK(changed[1].payload.at("movement").as_string() == "adjust");
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("ReceiveMany tracks and receives many SKUs in one transaction, or changes nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    REQUIRE(s.Adjust(Sku{"OLD-1"}, 1, "x", "u").error().code == ErrorCode::kNotFound);
    REQUIRE(s.Track(Sku{"OLD-1"}).has_value());
    REQUIRE(s.Adjust(Sku{"OLD-1"}, 4, "received", "user-1").has_value());
    const std::size_t events_before = f.Events(kStockChanged).size();

    // Refusals are checked before anything is written.
    using Lines = std::vector<shop::inventory::ReceiptLine>;
    CHECK(s.ReceiveMany(Lines{{Sku{"NEW-1"}, 3}, {Sku{"NEW-1"}, 2}}, "seed", "seed").error().code ==
          ErrorCode::kInvalidInput);
    CHECK(s.ReceiveMany(Lines{{Sku{"NEW-1"}, 3}, {Sku{"bad sku!"}, 2}}, "seed", "seed").error().code ==
          ErrorCode::kInvalidInput);
    CHECK(s.ReceiveMany(Lines{{Sku{"NEW-1"}, -1}}, "seed", "seed").error().code == ErrorCode::kInvalidInput);
    CHECK(s.ReceiveMany(Lines{{Sku{"NEW-1"}, kMaxQuantity + 1}}, "seed", "seed").error().code ==
          ErrorCode::kInvalidInput);
    CHECK(s.ReceiveMany(Lines{{Sku{"NEW-1"}, 1}}, "  ", "seed").error().code == ErrorCode::kInvalidInput);
    CHECK(s.ReceiveMany(Lines(shop::inventory::kMaxReceiptLines + 1, shop::inventory::ReceiptLine{Sku{"NEW-1"}, 1}), "seed", "seed").error().code ==
          ErrorCode::kInvalidInput);
    CHECK(s.Get(Sku{"NEW-1"}).error().code == ErrorCode::kNotFound);
    CHECK(f.Events(kStockChanged).size() == events_before);

    REQUIRE(s.ReceiveMany(Lines{{Sku{"NEW-1"}, 3}, {Sku{"NEW-2"}, 0}, {Sku{"OLD-1"}, 6}}, "seed", "seed")
                .has_value());
    CHECK(s.Get(Sku{"NEW-1"})->on_hand == 3);
    CHECK(s.Get(Sku{"NEW-2"})->on_hand == 0);  // tracked only
    CHECK(s.Get(Sku{"OLD-1"})->on_hand == 10);
    auto ledger = s.Ledger(Sku{"NEW-1"}, 10, "");
    REQUIRE(ledger->items.size() == 1);
    CHECK(ledger->items[0].kind == MovementKind::kReceive);
    CHECK(ledger->items[0].reason == "seed");
    CHECK(s.Ledger(Sku{"NEW-2"}, 10, "")->items.empty());
    CHECK(f.Events(kStockChanged).size() == events_before + 2);  // one per received line
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("bad input is refused and changes nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("A-1", 5);
    const auto ledger_before = f.LedgerRows("A-1");
    const auto events_before = f.Events().size();

    CHECK(s.Adjust(Sku{"A-1"}, 0, "x", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{"A-1"}, kMaxQuantity + 1, "x", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{"A-1"}, -kMaxQuantity - 1, "x", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{"A-1"}, 3, "   ", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{"A-1"}, 3, std::string(501, 'r'), "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{"bad sku"}, 3, "x", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{std::string(65, 'A')}, 3, "x", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{""}, 3, "x", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Adjust(Sku{"UNKNOWN"}, 3, "x", "u").error().code == ErrorCode::kNotFound);
    CHECK(s.Track(Sku{"a/b"}).error().code == ErrorCode::kInvalidInput);

    const auto later = Later(f);
    CHECK(s.Reserve("o-1", Lines({{"A-1", 0}}), later).error().code == ErrorCode::kInvalidInput);
    CHECK(s.Reserve("o-1", Lines({{"A-1", -1}}), later).error().code == ErrorCode::kInvalidInput);
    CHECK(s.Reserve("o-1", Lines({{"A-1", kMaxQuantity + 1}}), later).error().code == ErrorCode::kInvalidInput);
    CHECK(s.Reserve("o-1", Lines({{"A-1", kMaxQuantity}, {"A-1", 1}}), later).error().code ==
          ErrorCode::kInvalidInput);
    CHECK(s.Reserve("o-1", Lines({{"A 1", 1}}), later).error().code == ErrorCode::kInvalidInput);
    CHECK(s.Reserve("o-1", {}, later).error().code == ErrorCode::kInvalidInput);
    CHECK(s.Reserve("", Lines({{"A-1", 1}}), later).error().code == ErrorCode::kInvalidInput);
    CHECK(s.Reserve("o-1", Lines({{"A-1", 1}}), f.clock.NowMs()).error().code == ErrorCode::kInvalidInput);
    CHECK(s.Restock(Sku{"A-1"}, 0, "", "return", "u").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Restock(Sku{"UNKNOWN"}, 1, "", "return", "u").error().code == ErrorCode::kNotFound);
    CHECK(s.SetLowStockThreshold(Sku{"A-1"}, -1).error().code == ErrorCode::kInvalidInput);
    CHECK(s.SetLowStockThreshold(Sku{"UNKNOWN"}, 3).error().code == ErrorCode::kNotFound);
    CHECK(s.Ledger(Sku{"A-1"}, 0, "").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Ledger(Sku{"A-1"}, 10, "not-a-cursor!").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Ledger(Sku{"UNKNOWN"}, 10, "").error().code == ErrorCode::kNotFound);
    CHECK(s.LowStock(10, "Zm9v").error().code == ErrorCode::kInvalidInput);
    CHECK(s.Search("a%", 10, "").error().code == ErrorCode::kInvalidInput);

    auto level = s.Get(Sku{"A-1"});
    CHECK(level->on_hand == 5);
    CHECK(level->reserved == 0);
    CHECK(f.LedgerRows("A-1") == ledger_before);
    CHECK(f.Events().size() == events_before);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_reservations") == 0);
  });
}

TEST_CASE("an adjustment below reserved is a conflict and rolls back with no event") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("B-1", 10);
    REQUIRE(s.Reserve("o-1", Lines({{"B-1", 7}}), Later(f)).has_value());
    const auto events_before = f.Events().size();
    const auto ledger_before = f.LedgerRows("B-1");

    auto refused = s.Adjust(Sku{"B-1"}, -4, "write off", "u");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::kConflict);
    CHECK(f.Events().size() == events_before);
    CHECK(f.LedgerRows("B-1") == ledger_before);
    CHECK(s.Get(Sku{"B-1"})->on_hand == 10);

    // Exactly down to reserved is fine.
    auto level = s.Adjust(Sku{"B-1"}, -3, "write off", "u");
    REQUIRE(level.has_value());
    CHECK(level->available == 0);
    CHECK(level->reserved == 7);
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("reserve is all-or-nothing and names every short SKU") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("C-1", 10);
    f.Stock("C-2", 1);
    f.Stock("C-3", 4);
    const auto events_before = f.Events().size();

    auto refused = s.Reserve("o-1", Lines({{"C-1", 2}, {"C-2", 2}, {"C-3", 5}, {"C-4", 1}}), Later(f));
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::kOutOfStock);
    REQUIRE(refused.error().fields.size() == 3);
    CHECK(refused.error().fields[0].field == "C-2");
    CHECK(refused.error().fields[0].message == "2 wanted, 1 available");
    CHECK(refused.error().fields[1].field == "C-3");
    CHECK(refused.error().fields[2].field == "C-4");
    CHECK(refused.error().fields[2].message == "is not stocked");

    for (const char* sku : {"C-1", "C-2", "C-3"}) CHECK(s.Get(Sku{sku})->reserved == 0);
    CHECK(f.Events().size() == events_before);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_reservations") == 0);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_ledger WHERE kind = 'reserve'") == 0);
    CHECK(s.GetReservation("o-1").error().code == ErrorCode::kNotFound);

    // The same order can try again once stock is there.
    REQUIRE(s.Adjust(Sku{"C-2"}, 1, "received", "u").has_value());
    REQUIRE(s.Adjust(Sku{"C-3"}, 1, "received", "u").has_value());
    REQUIRE(s.Track(Sku{"C-4"}).has_value());
    REQUIRE(s.Adjust(Sku{"C-4"}, 1, "received", "u").has_value());
    REQUIRE(s.Reserve("o-1", Lines({{"C-1", 2}, {"C-2", 2}, {"C-3", 5}, {"C-4", 1}}), Later(f)).has_value());
    CHECK(s.Get(Sku{"C-1"})->available == 8);
    CHECK(s.Get(Sku{"C-2"})->available == 0);
    CHECK(s.GetReservation("o-1").value() == ReservationStatus::kActive);
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("reserve inside the caller's transaction commits with it or leaves nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("T-1", 5);
    f.Stock("T-2", 1);

    // The caller's own failure after a successful reservation rolls it back.
    try {
      f.db().InTransaction([&](shop::platform::db::Tx& tx) {
        REQUIRE(s.Reserve(tx, "o-1", Lines({{"T-1", 2}}), Later(f)).has_value());
        throw std::runtime_error("the caller's order insert failed");
      });
      FAIL("expected the exception to pass through");
    } catch (const std::runtime_error&) {
    }
    CHECK(s.Get(Sku{"T-1"})->reserved == 0);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_reservations") == 0);

    // A short line: the error, returned from the transaction, undoes the
    // lines reserved before it.
    auto refused = f.db().InTransaction([&](shop::platform::db::Tx& tx) {
      return s.Reserve(tx, "o-2", Lines({{"T-1", 2}, {"T-2", 3}}), Later(f));
    });
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::kOutOfStock);
    CHECK(s.Get(Sku{"T-1"})->reserved == 0);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_ledger WHERE kind = 'reserve'") == 0);

    // Committed with the caller's transaction.
    REQUIRE(f.db()
                .InTransaction([&](shop::platform::db::Tx& tx) {
                  return s.Reserve(tx, "o-3", Lines({{"T-1", 2}, {"T-2", 1}}), Later(f));
                })
                .has_value());
    CHECK(s.Get(Sku{"T-1"})->reserved == 2);
    CHECK(s.Get(Sku{"T-2"})->available == 0);
    CHECK(s.GetReservation("o-3").value() == ReservationStatus::kActive);
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("reserve is idempotent per order, lines of one SKU are summed") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("D-1", 10);
    f.Stock("D-2", 10);
    const auto lines = Lines({{"D-2", 1}, {"D-1", 2}, {"D-1", 1}});
    REQUIRE(s.Reserve("o-1", lines, Later(f)).has_value());
    const auto events_after_first = f.Events().size();
    REQUIRE(s.Reserve("o-1", lines, Later(f)).has_value());
    // The same lines in another order and split differently are the same reservation.
    REQUIRE(s.Reserve("o-1", Lines({{"D-1", 3}, {"D-2", 1}}), Later(f)).has_value());
    CHECK(s.Get(Sku{"D-1"})->reserved == 3);
    CHECK(s.Get(Sku{"D-2"})->reserved == 1);
    CHECK(f.Events().size() == events_after_first);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_ledger WHERE kind = 'reserve'") == 2);

    auto other = s.Reserve("o-1", Lines({{"D-1", 4}}), Later(f));
    CHECK(other.error().code == ErrorCode::kConflict);
    CHECK(s.Get(Sku{"D-1"})->reserved == 3);

    auto reserve_ledger = s.Ledger(Sku{"D-1"}, 1, "");
    REQUIRE(reserve_ledger->items.size() == 1);
    CHECK(reserve_ledger->items[0].kind == MovementKind::kReserve);
    CHECK(reserve_ledger->items[0].reserved_delta == 3);
    CHECK(reserve_ledger->items[0].order_id == "o-1");
    CHECK(reserve_ledger->next_cursor.has_value());
  });
}

TEST_CASE("release, commit and restock: semantics, idempotency and conflicts") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("E-1", 10);
    REQUIRE(s.Reserve("o-rel", Lines({{"E-1", 3}}), Later(f)).has_value());
    REQUIRE(s.Reserve("o-sold", Lines({{"E-1", 4}}), Later(f)).has_value());
    CHECK(s.Get(Sku{"E-1"})->available == 3);

    REQUIRE(s.Release("o-rel", "cancelled by shopper").has_value());
    CHECK(s.Get(Sku{"E-1"})->reserved == 4);
    CHECK(s.GetReservation("o-rel").value() == ReservationStatus::kReleased);
    const auto rows_after_release = f.LedgerRows("E-1");
    CHECK(s.Release("o-rel", "again").has_value());  // idempotent
    CHECK(f.LedgerRows("E-1") == rows_after_release);
    CHECK(s.Commit("o-rel").error().code == ErrorCode::kConflict);
    CHECK(s.Reserve("o-rel", Lines({{"E-1", 3}}), Later(f)).error().code == ErrorCode::kConflict);

    REQUIRE(s.Commit("o-sold").has_value());
    auto level = s.Get(Sku{"E-1"});
    CHECK(level->on_hand == 6);
    CHECK(level->reserved == 0);
    CHECK(level->available == 6);
    CHECK(s.GetReservation("o-sold").value() == ReservationStatus::kCommitted);
    const auto rows_after_commit = f.LedgerRows("E-1");
    CHECK(s.Commit("o-sold").has_value());  // idempotent
    CHECK(f.LedgerRows("E-1") == rows_after_commit);
    CHECK(s.Release("o-sold", "too late").error().code == ErrorCode::kConflict);
    CHECK(s.Get(Sku{"E-1"})->on_hand == 6);

    CHECK(s.Release("o-none", "").error().code == ErrorCode::kNotFound);
    CHECK(s.Commit("o-none").error().code == ErrorCode::kNotFound);

    // Restock puts sold units back, never more than the order bought.
    auto restocked = s.Restock(Sku{"E-1"}, 3, "o-sold", "returned", "user-9");
    REQUIRE(restocked.has_value());
    CHECK(restocked->on_hand == 9);
    CHECK(s.Restock(Sku{"E-1"}, 2, "o-sold", "returned twice", "user-9").error().code == ErrorCode::kConflict);
    REQUIRE(s.Restock(Sku{"E-1"}, 1, "o-sold", "last one", "user-9").has_value());
    CHECK(s.Restock(Sku{"E-1"}, 1, "o-sold", "one more", "user-9").error().code == ErrorCode::kConflict);
    CHECK(s.Restock(Sku{"E-1"}, 1, "o-rel", "never sold", "user-9").error().code == ErrorCode::kConflict);
    CHECK(s.Get(Sku{"E-1"})->on_hand == 10);
    // Without an order: a plain return to stock.
    CHECK(s.Restock(Sku{"E-1"}, 2, "", "found in back room", "user-9")->on_hand == 12);

    auto ledger = s.Ledger(Sku{"E-1"}, 100, "");
    REQUIRE(ledger.has_value());
    std::vector<MovementKind> kinds;
    for (auto it = ledger->items.rbegin(); it != ledger->items.rend(); ++it) kinds.push_back(it->kind);
    CHECK(kinds == std::vector<MovementKind>{MovementKind::kReceive, MovementKind::kReserve, MovementKind::kReserve,
                                             MovementKind::kRelease, MovementKind::kCommit, MovementKind::kRestock,
                                             MovementKind::kRestock, MovementKind::kRestock});
    CHECK(ledger->items.front().actor == "user-9");
    CHECK(ledger->items.front().order_id.empty());
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("commit inside the caller's transaction: rolled back with it, kept with it") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("T-1", 5);
    REQUIRE(s.Reserve("o-tx", Lines({{"T-1", 2}}), Later(f)).has_value());
    const auto rows_before = f.LedgerRows("T-1");
    // The caller's own work fails after the commit: the sale is undone too.
    CHECK_THROWS(f.db().InTransaction([&](shop::platform::db::Tx& tx) {
      REQUIRE(s.Commit(tx, "o-tx").has_value());
      throw std::runtime_error("the caller's update failed");
    }));
    CHECK(s.GetReservation("o-tx").value() == ReservationStatus::kActive);
    CHECK(s.Get(Sku{"T-1"})->reserved == 2);
    CHECK(f.LedgerRows("T-1") == rows_before);

    f.db().InTransaction([&](shop::platform::db::Tx& tx) { REQUIRE(s.Commit(tx, "o-tx").has_value()); });
    CHECK(s.GetReservation("o-tx").value() == ReservationStatus::kCommitted);
    CHECK(s.Get(Sku{"T-1"})->on_hand == 3);
    CHECK(s.Get(Sku{"T-1"})->reserved == 0);
    f.db().InTransaction([&](shop::platform::db::Tx& tx) {
      CHECK(s.Commit(tx, "o-tx").has_value());  // idempotent
      CHECK(s.Commit(tx, "o-none").error().code == ErrorCode::kNotFound);
      CHECK(s.Commit(tx, "not an id!").error().code == ErrorCode::kInvalidInput);
    });
    CHECK(s.Get(Sku{"T-1"})->on_hand == 3);
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("low, out of and back in stock events fire when available crosses their lines") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("F-1", 8);  // default threshold 5
    CHECK(f.Events(kBackInStock).size() == 1);
    CHECK(f.Events(kLowStock).empty());

    REQUIRE(s.Reserve("o-1", Lines({{"F-1", 3}}), Later(f)).has_value());  // 8 → 5: low
    auto low = f.Events(kLowStock);
    REQUIRE(low.size() == 1);
    CHECK(low[0].payload.at("available").as_int64() == 5);
    CHECK(low[0].payload.at("threshold").as_int64() == 5);
    REQUIRE(s.Reserve("o-2", Lines({{"F-1", 1}}), Later(f)).has_value());  // 5 → 4: already low
    CHECK(f.Events(kLowStock).size() == 1);

    REQUIRE(s.Reserve("o-3", Lines({{"F-1", 4}}), Later(f)).has_value());  // → 0
    auto out = f.Events(kOutOfStock);
    REQUIRE(out.size() == 1);
    CHECK(out[0].payload.at("sku").as_string() == "F-1");

    REQUIRE(s.Release("o-3", "cancelled").has_value());  // 0 → 4
    auto back = f.Events(kBackInStock);
    REQUIRE(back.size() == 2);
    CHECK(back[1].payload.at("available").as_int64() == 4);

    // Its own threshold replaces the default.
    auto level = s.SetLowStockThreshold(Sku{"F-1"}, 1);
    REQUIRE(level.has_value());
    CHECK(level->low_stock_threshold == 1);
    CHECK_FALSE(level->low());
    REQUIRE(s.Reserve("o-4", Lines({{"F-1", 3}}), Later(f)).has_value());  // 4 → 1
    low = f.Events(kLowStock);
    REQUIRE(low.size() == 2);
    CHECK(low[1].payload.at("threshold").as_int64() == 1);
    CHECK(s.SetLowStockThreshold(Sku{"F-1"}, std::nullopt)->low_stock_threshold == 5);

    // Events of one SKU are numbered in order on its aggregate.
    auto all = f.Events();
    std::int64_t last = 0;
    for (const auto& e : all) {
      if (e.envelope.aggregate_id != "F-1") continue;
      CHECK(e.envelope.aggregate_seq > last);
      last = e.envelope.aggregate_seq;
    }
  });
}

TEST_CASE("ReleaseExpired releases exactly the expired reservations and publishes their events") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    shop::platform::config::InventoryConfig config;
    config.sweep_batch_size = 2;  // several batches
    InventoryFixture f(database, 4, config);
    auto& s = f.service();
    f.Stock("G-1", 20);
    const std::int64_t t0 = f.clock.NowMs();
    for (int i = 0; i < 5; ++i) {
      REQUIRE(s.Reserve("early-" + std::to_string(i), Lines({{"G-1", 1}}), t0 + 1000).has_value());
    }
    REQUIRE(s.Reserve("late", Lines({{"G-1", 2}}), t0 + 60'000).has_value());
    REQUIRE(s.Reserve("sold", Lines({{"G-1", 3}}), t0 + 1000).has_value());
    REQUIRE(s.Commit("sold").has_value());
    CHECK(s.Get(Sku{"G-1"})->reserved == 7);

    CHECK(s.ReleaseExpired(t0 + 999) == 0);
    f.clock.Advance(1s);
    CHECK(s.ReleaseExpired(f.clock.NowMs()) == 5);
    CHECK(s.ReleaseExpired(f.clock.NowMs()) == 0);
    auto level = s.Get(Sku{"G-1"});
    CHECK(level->reserved == 2);
    CHECK(level->on_hand == 17);
    for (int i = 0; i < 5; ++i) {
      CHECK(s.GetReservation("early-" + std::to_string(i)).value() == ReservationStatus::kExpired);
    }
    CHECK(s.GetReservation("late").value() == ReservationStatus::kActive);
    CHECK(s.GetReservation("sold").value() == ReservationStatus::kCommitted);

    auto expired = f.Events(kReservationExpired);
    REQUIRE(expired.size() == 5);
    CHECK(expired[0].envelope.aggregate_type == "reservation");
    CHECK(expired[0].payload.at("order_id").as_string().starts_with("early-"));
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_ledger WHERE kind = 'release' AND reason = 'reservation expired'") ==
          5);
    // An expired reservation is settled: it cannot be committed any more.
    CHECK(s.Commit("early-0").error().code == ErrorCode::kConflict);
    CHECK(s.Release("early-0", "").has_value());

    f.clock.Advance(60s);
    CHECK(s.ReleaseExpired(f.clock.NowMs()) == 1);
    CHECK(s.Get(Sku{"G-1"})->reserved == 0);
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("a rolled-back transaction leaves neither stock change nor event") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("H-1", 3);
    const auto events_before = f.Events().size();
    const auto ledger_before = f.LedgerRows("H-1");
    // H-1 reserves fine, then H-2 is short: the whole transaction rolls back,
    // including the H-1 update, its ledger row and its events.
    f.Stock("H-2", 0);
    const auto events_with_h2 = f.Events().size();
    auto refused = s.Reserve("o-1", Lines({{"H-1", 3}, {"H-2", 1}}), Later(f));
    CHECK(refused.error().code == ErrorCode::kOutOfStock);
    CHECK(f.Events().size() == events_with_h2);
    CHECK(events_with_h2 == events_before);  // tracking publishes nothing
    CHECK(f.LedgerRows("H-1") == ledger_before);
    CHECK(f.Events(kOutOfStock).empty());
    CHECK(s.Get(Sku{"H-1"})->reserved == 0);
  });
}

TEST_CASE("search by SKU prefix, low-stock listing and GetMany") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    for (const char* sku : {"MUG-1", "MUG-2", "MUG-3", "MUG_X", "TEE-1"}) f.Stock(sku, 10);
    REQUIRE(s.Adjust(Sku{"MUG-2"}, -8, "broken", "u").has_value());  // 2 left: low
    REQUIRE(s.Adjust(Sku{"TEE-1"}, -10, "lost", "u").has_value());   // 0 left: low

    auto first = s.Search("mug", 2, "");
    REQUIRE(first.has_value());
    REQUIRE(first->items.size() == 2);
    CHECK(first->items[0].sku.value == "MUG-1");
    CHECK(first->items[1].sku.value == "MUG-2");
    REQUIRE(first->next_cursor.has_value());
    auto second = s.Search("mug", 2, *first->next_cursor);
    REQUIRE(second.has_value());
    REQUIRE(second->items.size() == 2);
    CHECK(second->items[0].sku.value == "MUG-3");
    CHECK(second->items[1].sku.value == "MUG_X");
    CHECK_FALSE(second->next_cursor.has_value());
    // '_' is a SKU character, not a wildcard.
    auto underscore = s.Search("MUG_", 10, "");
    REQUIRE(underscore->items.size() == 1);
    CHECK(underscore->items[0].sku.value == "MUG_X");
    CHECK(s.Search("", 10, "")->items.size() == 5);

    auto low = s.LowStock(1, "");
    REQUIRE(low.has_value());
    REQUIRE(low->items.size() == 1);
    CHECK(low->items[0].sku.value == "TEE-1");
    REQUIRE(low->next_cursor.has_value());
    auto low2 = s.LowStock(10, *low->next_cursor);
    REQUIRE(low2->items.size() == 1);
    CHECK(low2->items[0].sku.value == "MUG-2");
    CHECK(low2->items[0].available == 2);

    auto many = s.GetMany({Sku{"TEE-1"}, Sku{"MUG-1"}, Sku{"NOPE"}, Sku{"bad sku"}, Sku{"MUG-1"}});
    REQUIRE(many.size() == 2);
    CHECK(many[0].sku.value == "MUG-1");
    CHECK(many[1].sku.value == "TEE-1");
    CHECK(many[1].available == 0);
  });
}

TEST_CASE("the sweeper thread releases expired reservations on its own and stops promptly") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database);
    auto& s = f.service();
    f.Stock("S-1", 3);
    REQUIRE(s.Reserve("o-swept", Lines({{"S-1", 2}}), f.clock.NowMs() + 1000).has_value());
    auto sweeper = shop::inventory::MakeSweeper(s, f.clock, 20ms);
    sweeper->Start();
    f.clock.Advance(1s);
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (s.GetReservation("o-swept").value() == ReservationStatus::kActive &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(10ms);
    }
    const auto stop_started = std::chrono::steady_clock::now();
    sweeper->Stop();
    CHECK(std::chrono::steady_clock::now() - stop_started < 2s);
    CHECK(s.GetReservation("o-swept").value() == ReservationStatus::kExpired);
    CHECK(s.Get(Sku{"S-1"})->reserved == 0);
    CHECK(f.Events(kReservationExpired).size() == 1);
  });
}
