#include "platform/search/index.hpp"

#include <doctest/doctest.h>

#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <thread>

namespace search = shop::platform::search;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("shopd-search-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

search::IndexOptions Options(const fs::path& dir) {
  return search::IndexOptions{
      .dir = dir,
      .schema = {.facets = {"category", "brand", "in_stock"}, .numbers = {"price", "created_at"}, .exact = {"sku"}},
      .commit_interval = 50ms};
}

search::Document Product(std::string id, std::string name, std::string category, std::string brand, int price,
                         bool in_stock, std::int64_t created, std::string description = "",
                         std::string sku = "") {
  search::Document d;
  d.id = id;
  d.text = {{name, 3}, {brand, 1}, {category, 1}, {description, 1}};
  d.facets = {{"category", category}, {"brand", brand}, {"in_stock", in_stock ? "true" : "false"}};
  d.numbers = {{"price", price}, {"created_at", created}};
  if (!sku.empty()) d.exact = {{"sku", sku}};
  d.data = "{\"id\":\"" + id + "\"}";
  return d;
}

void Seed(search::Index& index) {
  index.Replace(Product("p1", "Trail running shoes", "shoes", "acme", 8999, true, 1, "Light shoes for the trail", "TR-001"));
  index.Replace(Product("p2", "Road runner shoes", "shoes", "zoom", 12999, false, 2, "Cushioned for asphalt"));
  index.Replace(Product("p3", "Wool hiking socks", "socks", "acme", 1499, true, 3, "Warm merino wool"));
  index.Replace(Product("p4", "Cotton socks five pack", "socks", "basic", 999, true, 4, "Everyday cotton"));
  index.Replace(Product("p5", "Espresso machine", "kitchen", "brewco", 24999, true, 5, "Makes espresso and cappuccino"));
  index.Replace(Product("p6", "Blender pro", "kitchen", "brewco", 7999, false, 6, "Smoothies in seconds"));
  index.Commit();
}

std::vector<std::string> Ids(const search::Results& r) {
  std::vector<std::string> ids;
  for (const auto& h : r.hits) ids.push_back(h.id);
  return ids;
}

search::Results Find(search::Index& index, std::string text, std::vector<std::pair<std::string, std::string>> filters = {}) {
  search::Query q;
  q.text = std::move(text);
  q.filters = std::move(filters);
  return index.Search(q);
}

std::size_t FacetCount(const search::Results& r, const std::string& field, const std::string& value) {
  for (const auto& f : r.facets.at(field)) {
    if (f.value == value) return f.count;
  }
  return 0;
}

}  // namespace

TEST_CASE("a new directory opens as a missing index, empty and writable") {
  TempDir dir;
  search::Index index(Options(dir.path));
  CHECK(index.open_state() == search::OpenState::kMissing);
  CHECK(index.size() == 0);
  CHECK(Find(index, "anything").total == 0);
  CHECK(fs::is_symlink(dir.path / "current"));
}

TEST_CASE("indexing, then stemming: 'run', 'runs' and 'running' find each other") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  CHECK(index.size() == 6);
  auto r = Find(index, "run ");
  const auto ids = Ids(r);
  CHECK(std::count(ids.begin(), ids.end(), "p1") == 1);  // "running" stems to "run"
  CHECK(std::count(ids.begin(), ids.end(), "p2") == 0);  // "runner" is its own word
  CHECK(r.did_you_mean.empty());
  const auto ids2 = Ids(Find(index, "running "));
  CHECK(std::count(ids2.begin(), ids2.end(), "p1") == 1);
  const auto ids3 = Ids(Find(index, "runs "));
  CHECK(std::count(ids3.begin(), ids3.end(), "p1") == 1);
  CHECK(Find(index, "espresso").total == 1);
  CHECK(Find(index, "ESPRESSO").hits.at(0).id == "p5");
}

TEST_CASE("the name weighs more than the description") {
  TempDir dir;
  search::Index index(Options(dir.path));
  index.Replace(Product("desc", "Kettle", "kitchen", "brewco", 100, true, 1, "pairs well with a toaster"));
  index.Replace(Product("name", "Toaster", "kitchen", "brewco", 100, true, 2, "two slots"));
  index.Commit();
  auto r = Find(index, "toaster ");
  REQUIRE(r.hits.size() == 2);
  CHECK(r.hits[0].id == "name");
}

TEST_CASE("phrases match words in order only") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  CHECK(Ids(Find(index, "\"hiking socks\"")) == std::vector<std::string>{"p3"});
  CHECK(Find(index, "\"socks hiking\"").total == 0);
}

TEST_CASE("the last word is a prefix while typing, and prefix* always") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  CHECK(Ids(Find(index, "espre")) == std::vector<std::string>{"p5"});
  CHECK(Ids(Find(index, "cappu")) == std::vector<std::string>{"p5"});
  CHECK(Find(index, "espre ").total == 0);  // a finished word is a word
  CHECK(Ids(Find(index, "blend* pro ")) == std::vector<std::string>{"p6"});
}

TEST_CASE("an exact code finds its document, and IdsWith maps a code to ids") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  auto r = Find(index, "tr-001");
  REQUIRE(r.total >= 1);
  CHECK(r.hits[0].id == "p1");
  CHECK(index.IdsWith("sku", "TR-001") == std::vector<std::string>{"p1"});
  CHECK(index.IdsWith("sku", "nope").empty());
  // Uncommitted writes are visible to the lookup.
  index.Replace(Product("p7", "Gloves", "gloves", "acme", 500, true, 7, "", "GL-1"));
  CHECK(index.IdsWith("sku", "gl-1") == std::vector<std::string>{"p7"});
}

TEST_CASE("a one-letter typo gives did_you_mean and the corrected results") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  auto r = Find(index, "espresso machne ");
  CHECK(r.did_you_mean == "espresso machine ");
  CHECK(r.corrected);
  CHECK(Ids(r) == std::vector<std::string>{"p5"});

  auto typed = Find(index, "blendr");
  CHECK(typed.did_you_mean == "blender");
  CHECK(Ids(typed) == std::vector<std::string>{"p6"});

  // Correct words get no suggestion.
  auto fine = Find(index, "espresso machine");
  CHECK(fine.did_you_mean.empty());
  CHECK_FALSE(fine.corrected);
}

TEST_CASE("a deleted document's words are no longer suggested") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  CHECK(index.Delete("p6"));
  CHECK_FALSE(index.Delete("p6"));
  index.Commit();
  auto r = Find(index, "blendr ");
  CHECK(r.total == 0);
  CHECK(r.did_you_mean.empty());
}

TEST_CASE("facet counts equal the totals of the filtered queries") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  for (const std::string text : {"", "shoes", "socks acme", "s*"}) {
    auto all = Find(index, text);
    std::size_t sum = 0;
    for (const auto& [field, values] : all.facets) {
      for (const auto& v : values) {
        CHECK_MESSAGE(Find(index, text, {{field, v.value}}).total == v.count, field << "=" << v.value);
        if (field == "brand") sum += v.count;
      }
    }
    CHECK(sum == all.total);
  }
  auto shoes = Find(index, "", {{"category", "shoes"}});
  CHECK(shoes.total == 2);
  CHECK(FacetCount(shoes, "brand", "acme") == 1);
  CHECK(FacetCount(shoes, "in_stock", "false") == 1);
  // Values of one field are OR-ed, fields AND-ed.
  CHECK(Find(index, "", {{"category", "shoes"}, {"category", "socks"}}).total == 4);
  CHECK(Find(index, "", {{"category", "socks"}, {"brand", "acme"}}).total == 1);
}

TEST_CASE("a document may carry several values of a facet") {
  TempDir dir;
  search::Index index(Options(dir.path));
  auto d = Product("p", "Tent", "outdoor", "acme", 100, true, 1);
  d.facets.push_back({"category", "camping"});
  index.Replace(d);
  index.Commit();
  auto r = Find(index, "");
  CHECK(FacetCount(r, "category", "outdoor") == 1);
  CHECK(FacetCount(r, "category", "camping") == 1);
  CHECK(Find(index, "", {{"category", "camping"}}).total == 1);
}

TEST_CASE("price range filters are inclusive, and bands count the match set") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  search::Query q;
  q.ranges = {{"price", 999, 8999}};
  q.bands = search::Bands{"price", {0, 1000, 5000, 10000}};
  auto r = index.Search(q);
  CHECK(r.total == 4);  // 999, 1499, 7999, 8999
  REQUIRE(r.bands.size() == 3);
  CHECK(r.bands[0].min == 0);
  CHECK(r.bands[0].max == 1000);
  CHECK(r.bands[0].count == 1);
  CHECK(r.bands[1].min == 1000);
  CHECK(r.bands[1].count == 1);  // 1499
  CHECK(r.bands[2].min == 5000);
  CHECK(r.bands[2].count == 2);  // 7999, 8999
  q.ranges = {{"price", 10000, std::nullopt}};
  r = index.Search(q);
  CHECK(r.total == 2);
  REQUIRE(r.bands.size() == 1);
  CHECK_FALSE(r.bands[0].max.has_value());
  q.ranges = {{"price", std::nullopt, 1000}};
  CHECK(index.Search(q).total == 1);
  // Band counts equal the totals of the band as a range.
  q.ranges.clear();
  r = index.Search(q);
  for (const auto& band : r.bands) {
    search::Query b;
    b.ranges = {{"price", band.min, band.max ? std::optional<std::int64_t>(*band.max - 1) : std::nullopt}};
    CHECK(index.Search(b).total == band.count);
  }
}

TEST_CASE("sorts: price ascending and descending, newest, relevance") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  search::Query q;
  q.sort = {search::SortOrder::kAscending, "price"};
  CHECK(Ids(index.Search(q)) == std::vector<std::string>{"p4", "p3", "p6", "p1", "p2", "p5"});
  q.sort = {search::SortOrder::kDescending, "price"};
  CHECK(Ids(index.Search(q)) == std::vector<std::string>{"p5", "p2", "p1", "p6", "p3", "p4"});
  q.sort = {search::SortOrder::kDescending, "created_at"};
  CHECK(Ids(index.Search(q)).front() == "p6");
  // Relevance with no text falls back to the tie-break field, newest first.
  q.sort = {search::SortOrder::kRelevance, "created_at"};
  CHECK(Ids(index.Search(q)) == std::vector<std::string>{"p6", "p5", "p4", "p3", "p2", "p1"});
}

TEST_CASE("offset paging and cursors: edges and validation") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  search::Query q;
  q.sort = {search::SortOrder::kAscending, "price"};
  q.limit = 4;
  auto first = index.Search(q);
  CHECK(first.hits.size() == 4);
  CHECK(first.total == 6);
  q.offset = 4;
  auto second = index.Search(q);
  CHECK(Ids(second) == std::vector<std::string>{"p2", "p5"});
  q.offset = 6;
  CHECK(index.Search(q).hits.empty());
  CHECK(index.Search(q).total == 6);

  const auto fp = search::QueryFingerprint(q);
  const auto cursor = search::EncodeCursor(4, fp);
  CHECK(search::DecodeCursor(cursor, fp) == std::optional<std::size_t>(4));
  search::Query other = q;
  other.text = "socks";
  CHECK_FALSE(search::DecodeCursor(cursor, search::QueryFingerprint(other)).has_value());
  CHECK_FALSE(search::DecodeCursor("", fp).has_value());
  CHECK_FALSE(search::DecodeCursor("!!!", fp).has_value());
  CHECK_FALSE(search::DecodeCursor(cursor.substr(1), fp).has_value());
  CHECK_FALSE(search::DecodeCursor(search::EncodeCursor(0, fp), fp).has_value());
  CHECK_FALSE(search::DecodeCursor(search::EncodeCursor(20000, fp), fp).has_value());
  // Limit and offset are not part of the fingerprint; filter order is not either.
  search::Query reordered = q;
  reordered.filters = {{"brand", "a"}, {"category", "b"}};
  search::Query reordered2 = q;
  reordered2.filters = {{"category", "b"}, {"brand", "a"}};
  reordered2.limit = 7;
  CHECK(search::QueryFingerprint(reordered) == search::QueryFingerprint(reordered2));
}

TEST_CASE("replacing an identical document writes nothing, a change is visible after the commit interval") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  CHECK_FALSE(index.Replace(Product("p3", "Wool hiking socks", "socks", "acme", 1499, true, 3, "Warm merino wool")));
  CHECK(index.Replace(Product("p3", "Wool hiking socks", "socks", "acme", 1799, true, 3, "Warm merino wool")));
  // No explicit commit: the committer makes it visible.
  search::Query q;
  q.ranges = {{"price", 1799, 1799}};
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (index.Search(q).total == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  CHECK(index.Search(q).total == 1);
  CHECK(index.Data("p3") == std::optional<std::string>("{\"id\":\"p3\"}"));
  CHECK_FALSE(index.Data("nope").has_value());
}

TEST_CASE("unknown fields are programming errors") {
  TempDir dir;
  search::Index index(Options(dir.path));
  search::Query q;
  q.filters = {{"colour", "red"}};
  CHECK_THROWS_AS(index.Search(q), std::invalid_argument);
  auto d = Product("x", "X", "c", "b", 1, true, 1);
  d.numbers.push_back({"weight", 3});
  CHECK_THROWS_AS(index.Replace(d), std::invalid_argument);
}

TEST_CASE("rebuild beside the live index swaps while readers search, with no failed search") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::atomic<int> searches{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done) {
        try {
          auto r = Find(index, "");
          if (r.total == 0) ++failures;
          ++searches;
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  std::int64_t seen_built_from = -1;
  index.SetSwapListener([&](std::int64_t built_from) { seen_built_from = built_from; });
  const auto before = index.generation();
  auto stats = index.Rebuild([](search::Builder& b) {
    for (int i = 0; i < 50; ++i) {
      b.Add(Product("n" + std::to_string(i), "Item " + std::to_string(i), "misc", "acme", 100 + i, true, i));
    }
  });
  CHECK(stats.documents == 50);
  CHECK(index.generation() == before + 1);
  CHECK(seen_built_from > 0);
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (searches < 50 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  done = true;
  for (auto& t : readers) t.join();
  CHECK(failures == 0);
  CHECK(Find(index, "").total == 50);
  CHECK(Find(index, "espresso").total == 0);
  // The live writer follows the new generation.
  index.Replace(Product("w", "Whistle", "misc", "acme", 5, true, 99));
  index.Commit();
  CHECK(Find(index, "whistle").total == 1);
}

TEST_CASE("a rebuild by another process is picked up by the open index") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  CHECK(Find(index, "").total == 6);
  auto stats = search::Index::RebuildAt(Options(dir.path), [](search::Builder& b) {
    b.Add(Product("only", "Lantern", "outdoor", "acme", 100, true, 1));
  });
  CHECK(stats.documents == 1);
  const auto deadline = std::chrono::steady_clock::now() + 2s;
  while (Find(index, "").total != 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
  CHECK(Find(index, "lantern").total == 1);
  CHECK(index.generation() == stats.generation);
  // Two rebuilds later the oldest generation is gone, the previous one kept.
  search::Index::RebuildAt(Options(dir.path), [](search::Builder&) {});
  std::size_t gens = 0;
  for (const auto& e : fs::directory_iterator(dir.path)) gens += e.path().filename().string().starts_with("gen-");
  CHECK(gens == 2);
}

TEST_CASE("a failed rebuild leaves the live index untouched") {
  TempDir dir;
  search::Index index(Options(dir.path));
  Seed(index);
  const auto before = index.generation();
  CHECK_THROWS_AS(index.Rebuild([](search::Builder& b) {
    b.Add(Product("x", "X", "c", "b", 1, true, 1));
    throw std::runtime_error("catalog went away");
  }),
                  std::runtime_error);
  CHECK(index.generation() == before);
  CHECK(Find(index, "").total == 6);
}

TEST_CASE("a corrupt index is detected at open and replaced by an empty one") {
  TempDir dir;
  std::uint64_t gen = 0;
  {
    search::Index index(Options(dir.path));
    Seed(index);
    gen = index.generation();
  }
  {
    search::Index reopened(Options(dir.path));
    CHECK(reopened.open_state() == search::OpenState::kOk);
    CHECK(reopened.size() == 6);
  }
  // Scribble over every table of the live generation.
  char name[16];
  std::snprintf(name, sizeof name, "gen-%06llu", static_cast<unsigned long long>(gen));
  for (const auto& e : fs::directory_iterator(dir.path / name)) {
    std::ofstream(e.path(), std::ios::trunc | std::ios::binary) << "not a xapian table";
  }
  search::Index index(Options(dir.path));
  CHECK(index.open_state() == search::OpenState::kCorrupt);
  CHECK_FALSE(index.open_problem().empty());
  CHECK(index.size() == 0);
  index.Replace(Product("a", "Anchor", "boat", "acme", 1, true, 1));
  index.Commit();
  CHECK(Find(index, "anchor").total == 1);
}

TEST_CASE("an index left open by a crash opens as stale") {
  TempDir dir;
  {
    search::Index index(Options(dir.path));
    Seed(index);
  }
  std::ofstream(dir.path / "open.marker") << "12345\n";
  search::Index index(Options(dir.path));
  CHECK(index.open_state() == search::OpenState::kStale);
  CHECK(index.size() == 6);
}
