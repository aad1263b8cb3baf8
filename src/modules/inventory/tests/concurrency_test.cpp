// Many buyers at once on the same stock (DESIGN §8 invariant tests): no
// oversell, losers get kOutOfStock (never an exception or a deadlock), and
// the levels always match the ledger.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "inventory_fixture.hpp"
#include "support/concurrency.hpp"

using shop::ErrorCode;
using shop::inventory::ReservationLine;
using shop::inventory::Sku;
using namespace shop::inventory::testing;

using shop::testing::Failures;
using shop::testing::RunTogether;

namespace {

constexpr int kThreads = 64;
// Enough connections that PostgreSQL really runs transactions side by side.
constexpr std::size_t kPoolSize = 16;

}  // namespace

TEST_CASE("64 buyers on the last 5 units: exactly 5 reserve, 59 are out of stock") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database, kPoolSize);
    auto& s = f.service();
    f.Stock("LAST-1", 5);
    std::atomic<int> ok{0}, out_of_stock{0}, other{0};
    Failures thrown;
    const std::int64_t expires = f.clock.NowMs() + 60'000;
    RunTogether(kThreads, [&](int i) {
      try {
        auto r = s.Reserve("order-" + std::to_string(i), {ReservationLine{Sku{"LAST-1"}, 1}}, expires);
        if (r) {
          ++ok;
        } else if (r.error().code == ErrorCode::kOutOfStock) {
          ++out_of_stock;
        } else {
          ++other;
        }
      } catch (const std::exception& e) {
        thrown.Add(e);
      }
    });
    CHECK(ok == 5);
    CHECK(out_of_stock == kThreads - 5);
    CHECK(other == 0);
    CHECK_MESSAGE(thrown.count() == 0, thrown.first());
    auto level = s.Get(Sku{"LAST-1"});
    CHECK(level->on_hand == 5);
    CHECK(level->reserved == 5);
    CHECK(level->available == 0);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_reservations WHERE status = 'active'") == 5);
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_ledger WHERE kind = 'reserve'") == 5);
    CHECK(f.Events(kOutOfStock).size() == 1);
    CHECK(f.InvariantViolations() == 0);
  });
}

TEST_CASE("64 buyers with mixed quantities over 3 SKUs in varying line orders never oversell") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    InventoryFixture f(database, kPoolSize);
    auto& s = f.service();
    const std::vector<std::string> skus = {"MIX-A", "MIX-B", "MIX-C"};
    const std::map<std::string, std::int64_t> stock = {{"MIX-A", 40}, {"MIX-B", 25}, {"MIX-C", 60}};
    for (const auto& [sku, n] : stock) f.Stock(sku, n);

    // Each order: 1 to 3 of the SKUs, 1 to 4 units each, lines shuffled.
    std::vector<std::vector<ReservationLine>> orders(kThreads);
    std::mt19937 rng(20261202);
    for (auto& lines : orders) {
      std::vector<std::string> pick = skus;
      std::shuffle(pick.begin(), pick.end(), rng);
      pick.resize(1 + rng() % 3);
      for (const auto& sku : pick) lines.push_back({Sku{sku}, static_cast<std::int64_t>(1 + rng() % 4)});
    }

    std::vector<int> outcome(kThreads, -1);  // 1 ok, 0 out of stock, 2 other, 3 thrown
    Failures thrown;
    const std::int64_t expires = f.clock.NowMs() + 60'000;
    RunTogether(kThreads, [&](int i) {
      try {
        auto r = s.Reserve("mix-" + std::to_string(i), orders[i], expires);
        outcome[i] = r ? 1 : (r.error().code == ErrorCode::kOutOfStock ? 0 : 2);
      } catch (const std::exception& e) {
        thrown.Add(e);
        outcome[i] = 3;
      }
    });
    CHECK_MESSAGE(thrown.count() == 0, thrown.first());

    std::map<std::string, std::int64_t> expected;
    int succeeded = 0;
    for (int i = 0; i < kThreads; ++i) {
      CHECK(outcome[i] >= 0);
      CHECK(outcome[i] <= 1);
      if (outcome[i] != 1) continue;
      ++succeeded;
      for (const auto& line : orders[i]) expected[line.sku.value] += line.quantity;
    }
    MESSAGE(succeeded << " of " << kThreads << " orders reserved");
    CHECK(succeeded > 0);
    CHECK(succeeded < kThreads);  // 64 orders want more than the 125 units
    for (const auto& sku : skus) {
      auto level = s.Get(Sku{sku});
      CHECK(level->reserved == expected[sku]);
      CHECK(level->reserved <= stock.at(sku));
      CHECK(level->on_hand == stock.at(sku));
    }
    CHECK(f.Count("SELECT COUNT(*) FROM inventory_reservations") == succeeded);
    CHECK(f.InvariantViolations() == 0);
  });
}
