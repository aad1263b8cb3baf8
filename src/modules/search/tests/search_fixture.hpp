#pragma once
// The search read model on a temporary index directory, fed from the fakes:
// the real Indexer, TaxonomyCache and SearchEngine, no server.

#include "fakes.hpp"
#include "indexer.hpp"
#include "product_index.hpp"
#include "search_engine.hpp"
#include "taxonomy.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <set>

namespace shop::search::testing {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::random_device rd;
    path = std::filesystem::temp_directory_path() /
           ("shopd-search-module-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

class SearchFixture {
 public:
  TempDir dir;
  FakeCatalog catalog;
  FakeInventory inventory;
  platform::ManualClock clock;
  TaxonomyCache taxonomy{catalog};
  std::unique_ptr<platform::search::Index> index;
  std::unique_ptr<Indexer> indexer;
  // With a result cache, so every case also checks that cached answers never outlive a change.
  SearchEngine engine{taxonomy, 64};

  explicit SearchFixture(bool seed = true) {
    Open();
    if (seed) Seed();
  }

  void Open() {
    index = std::make_unique<platform::search::Index>(
        ProductIndexOptions(dir.path, std::chrono::milliseconds(20)));
    indexer = std::make_unique<Indexer>(*index, catalog, inventory, taxonomy, clock);
    index->SetSwapListener([this](std::int64_t from) { indexer->OnSwap(from); });
    engine.Attach(index.get());
    taxonomy.Refresh();
  }
  void Close() {
    engine.Attach(nullptr);
    indexer.reset();
    index.reset();
  }

  /// Puts the product in the catalog, sets each SKU's availability, syncs it.
  shop::catalog::Product Add(shop::catalog::Product p, std::int64_t available) {
    for (const auto& v : p.variants) inventory.Set(v.sku, available);
    p = catalog.Put(std::move(p));
    indexer->SyncProduct(p.id.value);
    return p;
  }

  void Seed() {
    Add(MakeProduct(catalog, "p1", "Trail running shoes", "running-shoes", "acme", {{"TR-001", 8999}},
                    "Light shoes for the trail"),
        5);
    Add(MakeProduct(catalog, "p2", "Road runner shoes", "running-shoes", "zoom", {{"RR-002", 12999}},
                    "Cushioned for asphalt"),
        0);
    Add(MakeProduct(catalog, "p3", "Wool hiking socks", "socks", "acme", {{"WS-003", 1499}}, "Warm merino wool"), 10);
    Add(MakeProduct(catalog, "p4", "Cotton socks five pack", "socks", "basic", {{"CS-004", 999}}, "Everyday cotton"),
        3);
    Add(MakeProduct(catalog, "p5", "Espresso machine", "kitchen", "brewco", {{"EM-005", 24999}},
                    "Makes espresso and cappuccino"),
        1);
    Add(MakeProduct(catalog, "p6", "Blender pro", "kitchen", "brewco", {{"BP-006", 7999}}, "Smoothies in seconds"), 0);
    Add(MakeProduct(catalog, "p7", "Leather dress shoes", "shoes", "zoom", {{"LD-007", 17999}, {"LD-008", 15999}},
                    "Classic oxford"),
        2);
    Add(MakeProduct(catalog, "d1", "Secret prototype shoes", "shoes", "acme", {{"SP-100", 5000}}, "Not yet", false),
        5);
  }

  SearchPage Find(SearchRequest request) {
    index->Commit();
    auto page = engine.Search(request);
    REQUIRE_MESSAGE(page.has_value(), (page ? "" : page.error().detail));
    return *page;
  }
  SearchPage Find(std::string text) { return Find(SearchRequest{.text = std::move(text)}); }
};

inline std::vector<std::string> Ids(const SearchPage& page) {
  std::vector<std::string> ids;
  for (const auto& item : page.items) ids.push_back(item.id);
  return ids;
}

inline bool Contains(const SearchPage& page, const std::string& id) {
  for (const auto& item : page.items) {
    if (item.id == id) return true;
  }
  return false;
}

}  // namespace shop::search::testing
