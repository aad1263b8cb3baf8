// Search quality on the real index with fake catalog and inventory: text,
// typos, phrases, prefixes, facets, filters, sorts and paging.
#include "search_fixture.hpp"

using namespace shop::search;
using namespace shop::search::testing;

TEST_CASE("name, description, brand, category, attribute and SKU all find a product") {
  SearchFixture f;
  auto p = MakeProduct(f.catalog, "p8", "Travel mug", "kitchen", "basic", {{"MUG-42", 1299}}, "Keeps coffee hot");
  p.attributes = {{"material", "stainless"}};
  f.Add(p, 4);
  CHECK(Contains(f.Find("mug"), "p8"));
  CHECK(Contains(f.Find("coffee"), "p8"));
  CHECK(Contains(f.Find("basic"), "p8"));
  CHECK(Contains(f.Find("kitchen"), "p8"));
  CHECK(Contains(f.Find("stainless"), "p8"));
  const auto by_sku = f.Find("MUG-42");
  REQUIRE(by_sku.total >= 1);
  CHECK(by_sku.items.front().id == "p8");
  // A parent category's name finds products filed under its children.
  CHECK(Contains(f.Find("shoes "), "p1"));
}

TEST_CASE("English stemming: 'runners' and 'running' find 'runner' and 'running'") {
  SearchFixture f;
  CHECK(Contains(f.Find("runners "), "p2"));
  CHECK(Contains(f.Find("run "), "p1"));
}

TEST_CASE("a one-letter typo finds the product and says what it searched for") {
  SearchFixture f;
  for (const char* typo : {"espreso", "esspresso", "blendr", "merinno "}) {
    CAPTURE(typo);
    const auto page = f.Find(typo);
    CHECK(page.corrected);
    CHECK_FALSE(page.did_you_mean.empty());
    CHECK(page.total >= 1);
  }
  const auto page = f.Find("espreso machine");
  CHECK(page.did_you_mean == "espresso machine");
  CHECK(page.corrected);
  CHECK(Ids(page) == std::vector<std::string>{"p5"});
  // A query that finds something as typed is not replaced.
  const auto exact = f.Find("espresso");
  CHECK_FALSE(exact.corrected);
  CHECK(exact.did_you_mean.empty());
}

TEST_CASE("phrases match words in order, the last word and word* are prefixes") {
  SearchFixture f;
  CHECK(Ids(f.Find("\"trail running\"")) == std::vector<std::string>{"p1"});
  CHECK(f.Find("\"running trail\"").items.empty());
  CHECK(Contains(f.Find("espr"), "p5"));  // as typed, no trailing space
  CHECK(Contains(f.Find("cappu* "), "p5"));
  CHECK(Ids(f.Find("cott")) == std::vector<std::string>{"p4"});
}

TEST_CASE("facet counts equal the totals of the filtered searches") {
  SearchFixture f;
  for (const std::string text : {"", "shoes", "socks "}) {
    CAPTURE(text);
    const auto all = f.Find(text);
    REQUIRE(all.total > 0);
    for (const auto& c : all.categories) {
      CAPTURE(c.value);
      CHECK(f.Find(SearchRequest{.text = text, .category = c.value}).total == c.count);
    }
    for (const auto& b : all.brands) {
      CAPTURE(b.value);
      CHECK(f.Find(SearchRequest{.text = text, .brand = b.value}).total == b.count);
    }
    std::size_t stock_sum = 0;
    for (const auto& s : all.in_stock) {
      CHECK(f.Find(SearchRequest{.text = text, .in_stock = s.value == "true"}).total == s.count);
      stock_sum += s.count;
    }
    CHECK(stock_sum == all.total);
    std::size_t band_sum = 0;
    for (const auto& band : all.price) {
      CAPTURE(band.min);
      CHECK(f.Find(SearchRequest{.text = text, .min_price = band.min, .max_price = band.max}).total == band.count);
      band_sum += band.count;
    }
    CHECK(band_sum == all.total);
  }
}

TEST_CASE("facets carry labels, a category filter includes its descendants") {
  SearchFixture f;
  const auto all = f.Find("");
  CHECK(all.total == 7);  // the draft is not indexed
  bool labelled = false;
  for (const auto& c : all.categories) {
    if (c.value == "running-shoes") labelled = c.label == "Running shoes" && c.count == 2;
  }
  CHECK(labelled);
  const auto shoes = f.Find(SearchRequest{.category = "shoes"});
  const auto shoe_ids = Ids(shoes);
  std::set<std::string> ids(shoe_ids.begin(), shoe_ids.end());
  CHECK(ids == std::set<std::string>{"p1", "p2", "p7"});
  for (const auto& item : shoes.items) {
    if (item.id == "p7") {
      REQUIRE(item.category);
      CHECK(item.category->name == "Shoes");
      REQUIRE(item.brand);
      CHECK(item.brand->name == "Zoom");
      CHECK(item.price.amount == 15999);  // the cheapest variant
      CHECK(item.in_stock);
    }
  }
  CHECK(f.Find(SearchRequest{.category = "no-such-category"}).total == 0);
}

TEST_CASE("drafts never appear, and unpublishing removes a product") {
  SearchFixture f;
  CHECK_FALSE(Contains(f.Find("prototype"), "d1"));
  CHECK(f.Find("SP-100").total == 0);
  auto draft = *f.catalog.Find("d1");
  draft.status = shop::catalog::ProductStatus::kPublished;
  f.catalog.Put(draft);
  f.indexer->SyncProduct("d1");
  CHECK(Contains(f.Find("prototype"), "d1"));

  auto p1 = *f.catalog.Find("p1");
  p1.status = shop::catalog::ProductStatus::kDraft;
  f.catalog.Put(p1);
  CHECK(f.indexer->SyncProduct("p1") == Indexer::Outcome::kRemoved);
  CHECK_FALSE(Contains(f.Find("trail"), "p1"));
  CHECK(f.Find("TR-001").total == 0);
  CHECK(f.Find(SearchRequest{.category = "running-shoes"}).total == 1);

  // Deleted from the catalog: gone from the index.
  f.catalog.Remove("p3");
  CHECK(f.indexer->SyncProduct("p3") == Indexer::Outcome::kRemoved);
  CHECK(f.Find("wool").total == 0);
  // A product without variants has nothing to sell and is not shown.
  auto empty = MakeProduct(f.catalog, "p9", "Phantom gadget", "kitchen", "", {});
  f.Add(empty, 0);
  CHECK(f.Find("phantom").total == 0);
}

TEST_CASE("price filters are inclusive, and the sorts order by price and age") {
  SearchFixture f;
  auto ids = Ids(f.Find(SearchRequest{.min_price = 999, .max_price = 7999}));
  CHECK(std::set<std::string>(ids.begin(), ids.end()) == std::set<std::string>{"p3", "p4", "p6"});
  CHECK(f.Find(SearchRequest{.min_price = 20000}).total == 1);
  CHECK(f.Find(SearchRequest{.max_price = 998}).total == 0);

  auto prices = [](const SearchPage& page) {
    std::vector<std::int64_t> out;
    for (const auto& item : page.items) out.push_back(item.price.amount);
    return out;
  };
  const auto asc = prices(f.Find(SearchRequest{.sort = SearchSort::kPriceAsc}));
  CHECK(asc.size() == 7);
  CHECK(std::is_sorted(asc.begin(), asc.end()));
  auto desc = prices(f.Find(SearchRequest{.sort = SearchSort::kPriceDesc}));
  CHECK(std::is_sorted(desc.rbegin(), desc.rend()));
  CHECK(desc.front() == 24999);
  // Seeded in order p1..p7: newest first is p7..p1.
  CHECK(Ids(f.Find(SearchRequest{.sort = SearchSort::kNewest})) ==
        std::vector<std::string>{"p7", "p6", "p5", "p4", "p3", "p2", "p1"});
  // With text, a price sort keeps only the matches.
  const auto shoes = prices(f.Find(SearchRequest{.text = "shoes", .sort = SearchSort::kPriceAsc}));
  CHECK(shoes == std::vector<std::int64_t>{8999, 12999, 15999});
}

TEST_CASE("a cursor walk visits every hit once, and bad cursors are refused") {
  SearchFixture f;
  for (int i = 0; i < 23; ++i) {
    f.Add(MakeProduct(f.catalog, "bulk" + std::to_string(i), "Bulk sock " + std::to_string(i), "socks", "basic",
                      {{"BULK-" + std::to_string(i), 100 + i}}),
          1);
  }
  for (auto sort : {SearchSort::kRelevance, SearchSort::kPriceAsc, SearchSort::kNewest}) {
    SearchRequest r{.text = "sock", .sort = sort, .limit = 4};
    std::set<std::string> seen;
    std::size_t pages = 0, total = 0;
    while (true) {
      const auto page = f.Find(r);
      total = page.total;
      for (const auto& item : page.items) CHECK_MESSAGE(seen.insert(item.id).second, "duplicate " << item.id);
      ++pages;
      if (!page.next_cursor) break;
      r.cursor = *page.next_cursor;
      REQUIRE(pages < 20);
    }
    CHECK(total == 25);  // 23 bulk socks + wool + cotton
    CHECK(seen.size() == total);
    CHECK(pages == 7);
  }
  const auto first = f.Find(SearchRequest{.text = "sock", .limit = 4});
  REQUIRE(first.next_cursor);
  // The same cursor with another query, a forged one, garbage.
  for (const auto& [text, cursor] : std::vector<std::pair<std::string, std::string>>{
           {"shoes", *first.next_cursor}, {"sock", "b2ZmLjAw"}, {"sock", "!!!"}, {"sock", "bzk5OTk5OS4w"}}) {
    auto page = f.engine.Search(SearchRequest{.text = text, .cursor = cursor, .limit = 4});
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code == shop::ErrorCode::kInvalidInput);
    CHECK(page.error().fields.at(0).field == "cursor");
  }
  // A changed filter invalidates the cursor too.
  auto filtered = f.engine.Search(SearchRequest{.text = "sock", .brand = "acme", .cursor = *first.next_cursor, .limit = 4});
  CHECK_FALSE(filtered.has_value());
}

TEST_CASE("the service validates limits, prices and text length") {
  SearchFixture f;
  for (const auto& r : std::vector<SearchRequest>{{.limit = 0},
                                                  {.limit = 101},
                                                  {.min_price = -1},
                                                  {.min_price = 500, .max_price = 100},
                                                  {.text = std::string(kMaxQueryLength + 1, 'a')}}) {
    auto page = f.engine.Search(r);
    REQUIRE_FALSE(page.has_value());
    CHECK(page.error().code == shop::ErrorCode::kInvalidInput);
    CHECK_FALSE(page.error().fields.empty());
  }
  SearchEngine detached(f.taxonomy);
  auto page = detached.Search(SearchRequest{});
  REQUIRE_FALSE(page.has_value());
  CHECK(page.error().code == shop::ErrorCode::kUnavailable);
}
