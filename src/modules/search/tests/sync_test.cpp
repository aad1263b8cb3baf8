// Keeping the index in step: stock changes, events (once each, through the
// inbox, on SQLite and PostgreSQL), the catch-up poller, rebuild and swap,
// and the start-up rebuild of a missing or corrupt index.
#include "catch_up.hpp"
#include "event_handlers.hpp"
#include "search_fixture.hpp"
#include "shop/catalog/events.hpp"
#include "shop/inventory/events.hpp"
#include "shop/search/module.hpp"
#include "support/test_database.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <future>
#include <thread>

using namespace shop::search;
using namespace shop::search::testing;
using namespace std::chrono_literals;
namespace ps = shop::platform::search;
namespace events = shop::platform::events;

namespace {

template <class F>
bool Eventually(F&& condition, std::chrono::milliseconds within = 3s) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

std::int64_t PriceOf(const SearchPage& page, const std::string& id) {
  for (const auto& item : page.items) {
    if (item.id == id) return item.price.amount;
  }
  return -1;
}

// A SearchModule on the fakes, a database for its inbox and the real templates.
struct ModuleRig {
  FakeCatalog& catalog;
  FakeInventory& inventory;
  shop::platform::config::Config config;
  shop::platform::SystemClock clock;
  shop::platform::templates::Templates templates{std::filesystem::path(SHOPD_SOURCE_DIR) / "web" / "templates",
                                                 false};
  std::unique_ptr<SearchModule> module;

  ModuleRig(FakeCatalog& c, FakeInventory& i, shop::platform::db::Db& db, const std::filesystem::path& dir)
      : catalog(c), inventory(i) {
    config.data_dir = dir.string();
    config.search.dir = (dir / "search").string();
    config.search.commit_interval_ms = 20;
    config.search.catchup_interval_ms = 100;
    module = std::make_unique<SearchModule>(SearchModuleDeps{.config = config,
                                                              .db = db,
                                                              .clock = clock,
                                                              .templates = templates,
                                                              .catalog = catalog,
                                                              .inventory = inventory});
  }
  shop::Result<SearchPage> Search(SearchRequest r) { return module->service().Search(r); }
  bool Serving() { return Search({}).has_value(); }
};

void Seed(FakeCatalog& catalog, FakeInventory& inventory) {
  auto put = [&](shop::catalog::Product p, std::int64_t available) {
    for (const auto& v : p.variants) inventory.Set(v.sku, available);
    catalog.Put(std::move(p));
  };
  put(MakeProduct(catalog, "p1", "Trail running shoes", "running-shoes", "acme", {{"TR-001", 8999}}), 5);
  put(MakeProduct(catalog, "p2", "Espresso machine", "kitchen", "brewco", {{"EM-005", 24999}}), 1);
  put(MakeProduct(catalog, "p3", "Wool hiking socks", "socks", "acme", {{"WS-003", 1499}}), 0);
  put(MakeProduct(catalog, "d1", "Secret prototype", "shoes", "acme", {{"SP-100", 5000}}, "", false), 5);
}

events::Envelope EnvelopeOf(std::string id, std::string_view type, const boost::json::value& payload) {
  events::Envelope e;
  e.id = std::move(id);
  e.type = std::string(type);
  e.occurred_at_ms = 1;
  e.aggregate_id = "x";
  e.aggregate_seq = 1;
  e.payload = boost::json::serialize(payload);
  return e;
}

void Deliver(events::Bus& bus, const events::Envelope& e) {
  auto subscribers = bus.SubscribersOf(e.type);
  REQUIRE(subscribers.size() == 1);
  subscribers.front()->handler(e);
}

}  // namespace

TEST_CASE("a stock change flips in_stock for every product selling the SKU") {
  SearchFixture f;
  CHECK_FALSE(f.Find("RR-002").items.at(0).in_stock);
  f.inventory.Set("RR-002", 7);
  CHECK(f.indexer->SyncSku("RR-002") == 1);
  CHECK(f.Find("RR-002").items.at(0).in_stock);
  CHECK(f.Find(SearchRequest{.in_stock = true}).total == 6);
  // One of two variants sold out: still in stock; both: sold out.
  f.inventory.Set("LD-007", 0);
  f.indexer->SyncSku("LD-007");
  CHECK(f.Find("LD-008").items.at(0).in_stock);
  f.inventory.Set("LD-008", 0);
  f.indexer->SyncSku("LD-008");
  CHECK_FALSE(f.Find("LD-008").items.at(0).in_stock);
  // A SKU nothing indexed sells (a draft's) changes nothing.
  CHECK(f.indexer->SyncSku("SP-100") == 0);
  // A catalog failure is an exception: the relay retries the event.
  f.catalog.fail = true;
  CHECK_THROWS(f.indexer->SyncProduct("p1"));
}

TEST_CASE("events update the index once per event id") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    auto db = database.Open();
    shop::testing::ApplyMigrations(*db, {"platform"});
    TempDir dir;
    FakeCatalog catalog;
    FakeInventory inventory;
    Seed(catalog, inventory);
    ModuleRig rig(catalog, inventory, *db, dir.path);
    events::Bus bus;
    rig.module->RegisterSubscriptions(bus);

    const auto changed = EnvelopeOf("e-1", shop::catalog::events::ProductChanged::kType,
                                    shop::catalog::events::ProductChanged{"p1", "p1", "published", 2}.ToJson());
    // Before Start() the index is not open: the delivery fails and is retried later.
    CHECK_THROWS(Deliver(bus, changed));

    rig.module->Start();
    REQUIRE(Eventually([&] { return rig.Serving(); }));
    CHECK(rig.Search({}).value().total == 3);

    auto p1 = *catalog.Find("p1");
    p1.variants[0].price = Eur(7777);
    catalog.Put(p1);
    const int calls_before = catalog.get_product_calls;
    Deliver(bus, changed);
    CHECK(catalog.get_product_calls == calls_before + 1);
    CHECK(Eventually([&] { return PriceOf(rig.Search({.text = "trail"}).value(), "p1") == 7777; }));
    // The same event again: skipped by the inbox, the catalog is not asked.
    Deliver(bus, changed);
    CHECK(catalog.get_product_calls == calls_before + 1);

    // Unpublished: gone within the commit interval.
    p1.status = shop::catalog::ProductStatus::kDraft;
    catalog.Put(p1);
    Deliver(bus, EnvelopeOf("e-2", shop::catalog::events::ProductChanged::kType,
                            shop::catalog::events::ProductChanged{"p1", "p1", "draft", 4}.ToJson()));
    CHECK(Eventually([&] { return rig.Search({.text = "trail"}).value().total == 0; }));

    // Stock: the SKU's product is re-read with its availability.
    inventory.Set("WS-003", 9);
    const auto stock = EnvelopeOf("e-3", shop::inventory::events::BackInStock::kType,
                                  shop::inventory::events::BackInStock{"WS-003", 9}.ToJson());
    Deliver(bus, stock);
    CHECK(Eventually([&] { return rig.Search({.text = "wool", .in_stock = true}).value().total == 1; }));
    const int stock_calls = inventory.get_many_calls;
    Deliver(bus, stock);
    CHECK(inventory.get_many_calls == stock_calls);
    // Only running out and coming back change what the index holds; the
    // other stock moves (several per order) are not even subscribed to.
    CHECK(bus.SubscribersOf(shop::inventory::events::StockChanged::kType).empty());
    CHECK(bus.SubscribersOf(shop::inventory::events::OutOfStock::kType).size() == 1);
    rig.module->Stop();
  });
}

TEST_CASE("the catch-up poll syncs what this instance got no event for, once per version") {
  SearchFixture f;
  CatchUp catch_up(*f.index, *f.indexer, f.catalog, f.taxonomy, 1h, 10s);
  // Everything seeded was synced at its version: nothing to do.
  const int calls = f.catalog.get_product_calls;
  CHECK(catch_up.RunOnce() == 0);
  CHECK(f.catalog.get_product_calls == calls);

  // Changed on another instance: no event here.
  auto p2 = *f.catalog.Find("p2");
  p2.variants[0].price = Eur(4242);
  f.catalog.Put(p2);
  f.Add(MakeProduct(f.catalog, "p8", "Ceramic teapot", "kitchen", "basic", {{"TP-8", 2900}}), 0);  // synced here
  f.catalog.Put(MakeProduct(f.catalog, "p9", "Steel kettle", "kitchen", "basic", {{"KT-9", 3900}}));  // not synced
  CHECK(catch_up.RunOnce() == 2);
  CHECK(PriceOf(f.Find("road"), "p2") == 4242);
  CHECK(f.Find("kettle").total == 1);
  // The overlap re-reads recent stamps but skips them by version.
  CHECK(catch_up.RunOnce() == 0);

  // The watermark survives a restart.
  f.index->Commit();
  const std::int64_t mark = catch_up.watermark();
  CHECK(mark > 0);
  f.Close();
  f.Open();
  CatchUp resumed(*f.index, *f.indexer, f.catalog, f.taxonomy, 1h, 10s);
  CHECK(resumed.watermark() == mark);
}

TEST_CASE("a rebuild swaps while searches run, and re-applies changes made during the fill") {
  SearchFixture f;
  // The seed is written but becomes searchable only at a commit; readers
  // must start from a committed index, or their first searches rightly see
  // nothing.
  f.index->Commit();
  std::atomic<bool> stop{false};
  std::atomic<int> searches{0}, failures{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop) {
        try {
          auto page = f.engine.Search(SearchRequest{.text = "shoes"});
          if (!page.has_value() || page.value().total < 2) {
            if (failures++ == 0) MESSAGE((page.has_value() ? "total " + std::to_string(page.value().total) : page.error().detail));
          }
        } catch (const std::exception& e) {
          MESSAGE("search failed: " << e.what());
          ++failures;
        }
        ++searches;
      }
    });
  }
  bool changed = false;
  f.catalog.on_each = [&](const shop::catalog::Product& p) {
    if (p.id.value != "p5" || changed) return;
    changed = true;
    // An event during the fill: applied to the old generation only.
    auto p5 = *f.catalog.Find("p5");
    p5.variants[0].price = Eur(19999);
    f.catalog.Put(p5);
    f.indexer->SyncProduct("p5");
  };
  for (int i = 0; i < 3; ++i) {
    auto stats = f.index->Rebuild([&](ps::Builder& b) { f.indexer->Fill(b); });
    CHECK(stats.documents == 7);
  }
  std::this_thread::sleep_for(50ms);
  stop = true;
  for (auto& r : readers) r.join();
  CHECK(searches > 0);
  CHECK(failures == 0);
  CHECK(changed);
  CHECK(PriceOf(f.Find("espresso"), "p5") == 19999);
  CHECK(f.Find("").total == 7);
}

TEST_CASE("a missing index is built at start while searches answer unavailable") {
  auto database = shop::testing::TestDatabase::Create(shop::platform::db::Dialect::kSqlite);
  auto db = database->Open();
  TempDir dir;
  FakeCatalog catalog;
  FakeInventory inventory;
  Seed(catalog, inventory);
  std::promise<void> release;
  auto released = release.get_future().share();
  catalog.on_each = [released](const shop::catalog::Product&) { released.wait(); };
  ModuleRig rig(catalog, inventory, *db, dir.path);
  rig.module->Start();
  auto during = rig.Search({});
  REQUIRE_FALSE(during.has_value());
  CHECK(during.error().code == shop::ErrorCode::kUnavailable);
  release.set_value();
  REQUIRE(Eventually([&] { return rig.Serving(); }));
  CHECK(rig.Search({}).value().total == 3);
  rig.module->Stop();
  CHECK_FALSE(rig.Serving());
}

TEST_CASE("a corrupt index is rebuilt at start") {
  auto database = shop::testing::TestDatabase::Create(shop::platform::db::Dialect::kSqlite);
  auto db = database->Open();
  TempDir dir;
  FakeCatalog catalog;
  FakeInventory inventory;
  Seed(catalog, inventory);
  {
    ModuleRig rig(catalog, inventory, *db, dir.path);
    rig.module->Start();
    REQUIRE(Eventually([&] { return rig.Serving(); }));
    rig.module->Stop();
  }
  // Damage every table file of the live generation.
  const auto live = std::filesystem::canonical(dir.path / "search" / "current");
  for (const auto& entry : std::filesystem::directory_iterator(live)) {
    std::ofstream(entry.path(), std::ios::trunc) << "not a xapian table";
  }
  ModuleRig rig(catalog, inventory, *db, dir.path);
  rig.module->Start();
  REQUIRE(Eventually([&] { return rig.Serving(); }));
  CHECK(rig.Search({.text = "espresso"}).value().total == 1);
  CHECK(rig.Search({}).value().total == 3);
  rig.module->Stop();
}

TEST_CASE("Reindex from another process is followed by a running server, which keeps answering") {
  auto database = shop::testing::TestDatabase::Create(shop::platform::db::Dialect::kSqlite);
  auto db = database->Open();
  TempDir dir;
  FakeCatalog catalog;
  FakeInventory inventory;
  Seed(catalog, inventory);
  ModuleRig server(catalog, inventory, *db, dir.path);
  server.module->Start();
  REQUIRE(Eventually([&] { return server.Serving(); }));

  // Changed with no event and not yet polled: only a rebuild would show it
  // at once; the catch-up would too, a moment later.
  catalog.Put(MakeProduct(catalog, "p4", "Cotton socks five pack", "socks", "basic", {{"CS-004", 999}}));
  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::thread reader([&] {
    while (!stop) {
      if (!server.Search({.text = "socks"})) ++failures;
    }
  });
  ModuleRig cli(catalog, inventory, *db, dir.path);
  const auto report = cli.module->Reindex();
  CHECK(report.documents == 4);
  CHECK(Eventually([&] { return server.Search({.text = "cotton"}).value().total == 1; }));
  stop = true;
  reader.join();
  CHECK(failures == 0);
  server.module->Stop();
}

TEST_CASE("a cached answer is reused only until the index changes") {
  SearchFixture f;
  // Warm the cache with the same search twice.
  CHECK(PriceOf(f.Find("espresso"), "p5") == 24999);
  CHECK(PriceOf(f.Find("espresso"), "p5") == 24999);
  auto p5 = *f.catalog.Find("p5");
  p5.variants[0].price = Eur(19999);
  f.catalog.Put(p5);
  f.indexer->SyncProduct("p5");
  // Find commits first, which moves the revision: the cached answer is stale.
  CHECK(PriceOf(f.Find("espresso"), "p5") == 19999);
  p5.status = shop::catalog::ProductStatus::kDraft;
  f.catalog.Put(p5);
  f.indexer->SyncProduct("p5");
  CHECK(f.Find("espresso").total == 0);
}
