// The catalog store on real SQLite and PostgreSQL: CRUD, slugs, drafts,
// keyset pagination with ties, versions and events, ChangedSince, and the
// demo seed's determinism.
#include "catalog_fixture.hpp"
#include "cursor.hpp"
#include "seed.hpp"
#include "slug.hpp"
#include "variant_cache.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace shop::catalog {
namespace {

using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;
using testing::CatalogFixture;

VariantInput V(std::string sku, std::int64_t price, OptionValues options = {}) {
  VariantInput v;
  v.sku = std::move(sku);
  v.price = price;
  v.options = std::move(options);
  return v;
}

ProductInput P(std::string name, ProductStatus status = ProductStatus::kPublished) {
  ProductInput in;
  in.name = std::move(name);
  in.status = status;
  return in;
}

std::filesystem::path TempDir() {
  char tmpl[] = "/tmp/catalog-test-XXXXXX";
  return mkdtemp(tmpl);
}

TEST_CASE("products: create, read, update, delete, bad input changes nothing") {
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database);
    auto& store = f.store();
    auto cat = store.CreateCategory(CategoryInput{.name = "Shirts & Tops"});
    REQUIRE(cat.has_value());
    CHECK(cat->slug == "shirts-tops");
    auto brand = store.CreateBrand("Northwind");
    REQUIRE(brand.has_value());

    ProductInput in = P("Blue Cotton Shirt");
    in.category_slug = "shirts-tops";
    in.brand_slug = "northwind";
    in.attributes = OptionValues{{"material", "cotton"}};
    in.description = "Soft.";
    auto created = store.CreateProduct(in, {V("SHIRT-S", 1999, {{"size", "S"}}), V("SHIRT-M", 2499, {{"size", "M"}})});
    REQUIRE(created.has_value());
    CHECK(created->slug == "blue-cotton-shirt");
    CHECK(created->version == 1);
    REQUIRE(created->variants.size() == 2);
    CHECK(created->variants[0].price.amount == 1999);
    CHECK(created->variants[0].options == OptionValues{{"size", "S"}});
    REQUIRE(created->category);
    CHECK(created->category->name == "Shirts & Tops");
    REQUIRE(created->brand);
    CHECK(created->brand->name == "Northwind");
    // New SKUs are tracked by inventory after the commit.
    CHECK(f.inventory.Tracks("SHIRT-S"));
    CHECK(f.inventory.Tracks("SHIRT-M"));
    CHECK(f.Events("catalog.variant_added.v1").size() == 2);

    auto read = store.GetProduct(created->id);
    REQUIRE(read.has_value());
    CHECK(read->name == "Blue Cotton Shirt");
    CHECK(read->attributes == OptionValues{{"material", "cotton"}});

    const auto products_before = f.Count("SELECT COUNT(*) FROM catalog_products");
    const auto events_before = f.Count("SELECT COUNT(*) FROM events_outbox");
    // Missing name, negative price, duplicate SKU (in the list and in the table).
    CHECK(store.CreateProduct(ProductInput{}, {}).error().code == ErrorCode::kInvalidInput);
    CHECK(store.CreateProduct(P("X"), {V("NEG", -1)}).error().code == ErrorCode::kInvalidInput);
    CHECK(store.CreateProduct(P("Y"), {V("DUP", 1), V("DUP", 2)}).error().code == ErrorCode::kInvalidInput);
    CHECK(store.CreateProduct(P("Z"), {V("SHIRT-S", 100)}).error().code == ErrorCode::kConflict);
    ProductInput bad_link = P("W");
    bad_link.category_slug = "no-such";
    CHECK(store.CreateProduct(bad_link, {}).error().code == ErrorCode::kInvalidInput);
    CHECK(store.AddVariant(created->id, 1, V("SHIRT-M", 10)).error().code == ErrorCode::kConflict);
    CHECK(f.Count("SELECT COUNT(*) FROM catalog_products") == products_before);
    CHECK(f.Count("SELECT COUNT(*) FROM events_outbox") == events_before);

    ProductInput rename;
    rename.name = "Navy Cotton Shirt";
    auto updated = store.UpdateProduct(created->id, 1, rename);
    REQUIRE(updated.has_value());
    CHECK(updated->name == "Navy Cotton Shirt");
    CHECK(updated->slug == "blue-cotton-shirt");  // stable across renames
    CHECK(updated->version == 2);

    auto variant = store.UpdateVariant(created->id, "SHIRT-M", 2, [] {
      VariantInput v;
      v.price = 2999;
      v.compare_at = std::optional<std::int64_t>(3999);
      return v;
    }());
    REQUIRE(variant.has_value());
    CHECK(variant->version == 3);
    CHECK(variant->variants[1].price.amount == 2999);
    REQUIRE(variant->variants[1].compare_at_price);
    CHECK(variant->variants[1].compare_at_price->amount == 3999);

    auto removed = store.DeleteVariant(created->id, "SHIRT-S", 3);
    REQUIRE(removed.has_value());
    CHECK(removed->variants.size() == 1);
    CHECK(store.DeleteVariant(created->id, "SHIRT-S", 4).error().code == ErrorCode::kNotFound);

    CHECK(store.DeleteProduct(created->id, 1).error().code == ErrorCode::kPreconditionFailed);
    REQUIRE((store.DeleteProduct(created->id, 4)).has_value());
    CHECK(store.GetProduct(created->id).error().code == ErrorCode::kNotFound);
    CHECK(f.Count("SELECT COUNT(*) FROM catalog_variants") == 0);
    auto changed = f.Events("catalog.product_changed.v1");
    REQUIRE(!changed.empty());
    CHECK(changed.back().at("status").as_string() == "deleted");
  });
}

TEST_CASE("slugs: unique, made from the name, stable") {
  CHECK(Slugify("  Blue  Shirt!! ") == "blue-shirt");
  CHECK(Slugify("Ünïcode") == "n-code");
  CHECK(Slugify("!!!").empty());
  CHECK(IsValidSlug("blue-shirt-2"));
  CHECK_FALSE(IsValidSlug("Blue"));
  CHECK_FALSE(IsValidSlug("a--b"));
  CHECK_FALSE(IsValidSlug("-a"));
  CHECK_FALSE(IsValidSlug(""));
  CHECK_FALSE(IsValidSlug(std::string(97, 'a')));
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database);
    auto a = f.store().CreateProduct(P("Desk Lamp"));
    auto b = f.store().CreateProduct(P("Desk Lamp"));
    auto c = f.store().CreateProduct(P("desk lamp!"));
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    REQUIRE(c.has_value());
    CHECK(a->slug == "desk-lamp");
    CHECK(b->slug == "desk-lamp-2");
    CHECK(c->slug == "desk-lamp-3");
    ProductInput rename;
    rename.name = "Floor Lamp";
    REQUIRE((f.store().UpdateProduct(a->id, std::nullopt, rename)).has_value());
    auto d = f.store().CreateProduct(P("Desk Lamp"));
    REQUIRE(d.has_value());
    CHECK(d->slug == "desk-lamp-4");  // the renamed product keeps "desk-lamp"
    CHECK(f.store().GetProductBySlug("desk-lamp", true)->name == "Floor Lamp");
    CHECK(f.store().GetProductBySlug("Desk_Lamp", true).error().code == ErrorCode::kInvalidInput);
  });
}

TEST_CASE("drafts are never listed or served publicly") {
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database);
    auto draft = f.store().CreateProduct(P("Secret Prototype", ProductStatus::kDraft), {V("PROTO-1", 100)});
    auto live = f.store().CreateProduct(P("Public Thing"), {V("PUB-1", 100)});
    REQUIRE(draft.has_value());
    REQUIRE(live.has_value());
    for (auto sort : {ProductSort::kNewest, ProductSort::kPriceAsc, ProductSort::kPriceDesc, ProductSort::kName}) {
      auto page = f.store().ListProducts(ProductQuery{.sort = sort, .limit = 100});
      REQUIRE(page.has_value());
      REQUIRE(page->items.size() == 1);
      CHECK(page->items[0].slug == "public-thing");
    }
    CHECK(f.store().GetProductBySlug("secret-prototype", true).error().code == ErrorCode::kNotFound);
    CHECK((f.store().GetProductBySlug("secret-prototype", false)).has_value());
    auto staff = f.store().ListProducts(ProductQuery{.limit = 100, .include_drafts = true});
    CHECK(staff->items.size() == 2);
    // Unpublishing hides it again.
    ProductInput hide;
    hide.status = ProductStatus::kDraft;
    REQUIRE((f.store().UpdateProduct(live->id, 1, hide)).has_value());
    CHECK(f.store().ListProducts(ProductQuery{.limit = 100})->items.empty());
  });
}

TEST_CASE("cursor pagination: every sort, ties, no duplicates, no gaps") {
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database);
    auto shoes = f.store().CreateCategory(CategoryInput{.name = "Shoes"});
    auto boots = f.store().CreateCategory(CategoryInput{.name = "Boots", .parent_slug = "shoes"});
    REQUIRE(shoes.has_value());
    REQUIRE(boots.has_value());
    std::set<std::string> all, in_shoes;
    // 23 products; prices repeat (ties), names repeat up to case, and
    // created_at repeats (the clock advances every third product).
    for (int i = 0; i < 23; ++i) {
      if (i % 3 == 0) f.clock.Advance(std::chrono::milliseconds(1000));
      ProductInput in = P(i % 2 ? "Alpha Boot" : "alpha boot");
      if (i % 4 == 0) in.category_slug = "shoes";
      if (i % 4 == 1) in.category_slug = "boots";
      auto p = f.store().CreateProduct(in, {V("SKU-" + std::to_string(i), 1000 + (i % 5) * 100)});
      REQUIRE(p.has_value());
      all.insert(p->id.value);
      if (i % 4 <= 1) in_shoes.insert(p->id.value);
    }
    REQUIRE((f.store().CreateProduct(P("Hidden", ProductStatus::kDraft), {V("HID-1", 1)})).has_value());
    for (auto sort : {ProductSort::kNewest, ProductSort::kPriceAsc, ProductSort::kPriceDesc, ProductSort::kName}) {
      for (std::optional<std::string> category : {std::optional<std::string>{}, std::optional<std::string>{"shoes"}}) {
        for (int limit : {1, 4, 23, 100}) {
          std::vector<Product> seen;
          std::string cursor;
          int pages = 0;
          for (;;) {
            const ProductQuery query{.category_slug = category, .sort = sort, .limit = limit, .cursor = cursor};
            auto page = f.store().ListProducts(query);
            REQUIRE(page.has_value());
            // The slug list the public API is assembled from is the same page.
            auto slugs = f.store().ListProductSlugs(query);
            REQUIRE(slugs.has_value());
            REQUIRE(slugs->slugs.size() == page->items.size());
            for (std::size_t i = 0; i < slugs->slugs.size(); ++i) CHECK(slugs->slugs[i] == page->items[i].slug);
            CHECK(slugs->next_cursor == page->next_cursor);
            ++pages;
            CHECK(static_cast<int>(page->items.size()) <= limit);
            for (auto& p : page->items) seen.push_back(p);
            if (!page->next_cursor) break;
            CHECK(static_cast<int>(page->items.size()) == limit);
            cursor = *page->next_cursor;
            REQUIRE(pages < 100);
          }
          std::set<std::string> ids;
          for (const auto& p : seen) ids.insert(p.id.value);
          CHECK(ids.size() == seen.size());  // no duplicates
          CHECK(ids == (category ? in_shoes : all));  // no gaps (and the subcategory included)
          // The order is the sort's, ties broken by id.
          for (std::size_t i = 1; i < seen.size(); ++i) {
            const Product& a = seen[i - 1];
            const Product& b = seen[i];
            auto price = [](const Product& p) { return p.variants.front().price.amount; };
            switch (sort) {
              case ProductSort::kNewest:
                CHECK((a.created_at_ms > b.created_at_ms || (a.created_at_ms == b.created_at_ms && a.id.value > b.id.value)));
                break;
              case ProductSort::kPriceAsc:
                CHECK((price(a) < price(b) || (price(a) == price(b) && a.id.value < b.id.value)));
                break;
              case ProductSort::kPriceDesc:
                CHECK((price(a) > price(b) || (price(a) == price(b) && a.id.value > b.id.value)));
                break;
              case ProductSort::kName:
                CHECK(a.id.value < b.id.value);  // all names sort equal
                break;
            }
          }
        }
      }
    }
    // Forged, foreign and malformed cursors are refused.
    auto first = f.store().ListProducts(ProductQuery{.sort = ProductSort::kNewest, .limit = 2});
    REQUIRE(first->next_cursor);
    CHECK(f.store().ListProducts(ProductQuery{.sort = ProductSort::kName, .limit = 2, .cursor = *first->next_cursor})
              .error().code == ErrorCode::kInvalidInput);
    CHECK(f.store().ListProducts(ProductQuery{.limit = 2, .cursor = "not-a-cursor!"}).error().code ==
          ErrorCode::kInvalidInput);
    CHECK(f.store().ListProducts(ProductQuery{.limit = 2, .cursor = EncodeCursor({'n', "x' OR 1=1 --", "1"})})
              .error().code == ErrorCode::kInvalidInput);
    CHECK(f.store().ListProducts(ProductQuery{.limit = 0}).error().code == ErrorCode::kInvalidInput);
    CHECK(f.store().ListProducts(ProductQuery{.limit = 101}).error().code == ErrorCode::kInvalidInput);
    CHECK(f.store().ListProducts(ProductQuery{.category_slug = "nope"}).error().code == ErrorCode::kNotFound);
  });
}

TEST_CASE("versions: every change bumps the version and writes its event in the same transaction") {
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database);
    auto p = f.store().CreateProduct(P("Kettle"), {V("KET-1", 3999)});
    REQUIRE(p.has_value());
    auto events = f.Events("catalog.product_changed.v1");
    REQUIRE(events.size() == 1);
    CHECK(events[0].at("version").as_int64() == 1);
    CHECK(events[0].at("slug").as_string() == "kettle");
    CHECK(events[0].at("status").as_string() == "published");

    auto v2 = f.store().AddVariant(p->id, 1, V("KET-2", 4999));
    REQUIRE(v2.has_value());
    CHECK(v2->version == 2);
    CHECK(f.inventory.Tracks("KET-2"));
    events = f.Events("catalog.product_changed.v1");
    REQUIRE(events.size() == 2);
    CHECK(events[1].at("version").as_int64() == 2);

    // Stale If-Match: 412, no change, no event.
    ProductInput rename;
    rename.name = "Teapot";
    CHECK(f.store().UpdateProduct(p->id, 1, rename).error().code == ErrorCode::kPreconditionFailed);
    CHECK(f.store().GetProduct(p->id)->name == "Kettle");
    CHECK(f.Events("catalog.product_changed.v1").size() == 2);
    // A failing change inside the transaction rolls back the version bump too.
    CHECK(f.store().UpdateVariant(p->id, "NOPE", 2, V("NOPE", 1)).error().code == ErrorCode::kNotFound);
    CHECK(f.store().GetProduct(p->id)->version == 2);
    CHECK(f.Events("catalog.product_changed.v1").size() == 2);

    // min_price follows the variants (price sorts read it).
    CHECK(f.Count("SELECT min_price FROM catalog_products") == 3999);
    REQUIRE((f.store().DeleteVariant(p->id, "KET-1", 2)).has_value());
    CHECK(f.Count("SELECT min_price FROM catalog_products") == 4999);
  });
}

TEST_CASE("ChangedSince lists changes oldest first") {
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database);
    auto a = f.store().CreateProduct(P("Alpha"));
    f.clock.Advance(std::chrono::milliseconds(10));
    auto b = f.store().CreateProduct(P("Beta"));
    f.clock.Advance(std::chrono::milliseconds(10));
    const auto mark = f.clock.NowMs();
    ProductInput rename;
    rename.name = "Alpha 2";
    REQUIRE((f.store().UpdateProduct(a->id, std::nullopt, rename)).has_value());
    auto changed = f.store().ChangedSince(mark, 10);
    REQUIRE(changed.size() == 1);
    CHECK(changed[0].id == a->id);
    CHECK(changed[0].version == 2);
    auto everything = f.store().ChangedSince(0, 10);
    REQUIRE(everything.size() == 2);
    CHECK(everything[0].id == b->id);
    CHECK(f.store().ChangedSince(0, 1).size() == 1);
  });
}

TEST_CASE("GetSellableVariants and ForEachProduct") {
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database);
    auto p = f.store().CreateProduct(P("Mug"), {V("MUG-1", 899, {{"colour", "red"}})});
    REQUIRE((f.store().CreateProduct(P("Draft Mug", ProductStatus::kDraft), {V("MUG-2", 999)})).has_value());
    auto sellable = f.store().GetSellableVariants({"MUG-1", "MUG-2", "NOPE", "bad sku'"});
    REQUIRE(sellable.size() == 2);
    CHECK(sellable[0].sku == "MUG-1");
    CHECK(sellable[0].product_name == "Mug");
    CHECK(sellable[0].price.amount == 899);
    CHECK(sellable[0].published);
    CHECK_FALSE(sellable[1].published);
    int n = 0;
    f.store().ForEachProduct([&](const Product&) { ++n; });
    CHECK(n == 2);
  });
}

TEST_CASE("sellable variants are cached per instance: own writes drop them at commit, another instance's through ForgetProduct") {
  ForEachBackend([](TestDatabase& database) {
    CatalogFixture f(database, 100);
    auto mug = f.store().CreateProduct(P("Mug"), {V("MUG-1", 899), V("MUG-2", 999)});
    REQUIRE(mug.has_value());
    REQUIRE(f.store().GetSellableVariants({"MUG-1", "MUG-2"}).size() == 2);

    // This instance's write: the next read sees it, no event needed.
    VariantInput cheaper;
    cheaper.price = 799;
    auto updated = f.store().UpdateVariant(mug->id, "MUG-1", std::nullopt, cheaper);
    REQUIRE(updated.has_value());
    auto after = f.store().GetSellableVariants({"MUG-2", "MUG-1"});
    REQUIRE(after.size() == 2);
    CHECK(after[0].sku == "MUG-1");  // in SKU order, cached or not
    CHECK(after[0].price.amount == 799);

    // Another instance's write, seen here only as a changed row: served from
    // the cache until its event arrives, then read again.
    f.db().WithSession([](soci::session& sql) {
      sql << "UPDATE catalog_variants SET price_amount = 555 WHERE sku = 'MUG-2'";
    });
    CHECK(f.store().GetSellableVariants({"MUG-2"}).at(0).price.amount == 999);
    f.store().ForgetProduct(mug->id.value);
    CHECK(f.store().GetSellableVariants({"MUG-2"}).at(0).price.amount == 555);

    // A deleted variant is gone at once.
    REQUIRE(f.store().DeleteVariant(mug->id, "MUG-2", std::nullopt).has_value());
    CHECK(f.store().GetSellableVariants({"MUG-2"}).empty());
  });
}

TEST_CASE("variant cache: a read that raced an invalidation is not stored, entries expire, capacity 0 stores nothing") {
  auto now = std::chrono::steady_clock::time_point{};
  VariantCache cache(10, std::chrono::seconds(10), [&] { return now; });
  SellableVariant v;
  v.sku = "CUP-1";
  v.product_id = ProductId{"p-1"};
  v.price = {500, *shop::platform::money::Currency::FromCode("EUR")};
  const auto before = cache.Generation();
  cache.DropProduct("p-1");  // a commit while the row was being read
  cache.Put(v, before);
  CHECK_FALSE(cache.Find("CUP-1").has_value());
  cache.Put(v, cache.Generation());
  CHECK(cache.Find("CUP-1")->price.amount == 500);
  cache.DropProduct("p-2");  // another product: kept
  CHECK(cache.Find("CUP-1").has_value());
  now += std::chrono::seconds(11);
  CHECK_FALSE(cache.Find("CUP-1").has_value());

  VariantCache off(0, std::chrono::seconds(10));
  off.Put(v, off.Generation());
  CHECK_FALSE(off.Find("CUP-1").has_value());
}

TEST_CASE("demo seed: deterministic, realistic, stocked through inventory") {
  CHECK(GenerateSeedProduct(7).name == GenerateSeedProduct(7).name);
  CHECK(GenerateSeedProduct(7).variants.size() >= 2);
  CHECK(GenerateSeedProduct(7).variants.size() <= 6);
  std::vector<std::vector<std::string>> runs;
  ForEachBackend([&](TestDatabase& database) {
    for (int round = 0; round < 2; ++round) {
      auto fresh = TestDatabase::Create(database.dialect());
      REQUIRE(fresh != nullptr);
      CatalogFixture f(*fresh);
      auto media = TempDir();
      auto report = SeedDemoCatalog(SeedDeps{f.store(), f.inventory, f.ids(), f.clock, media}, 60);
      REQUIRE(report.has_value());
      CHECK(report->products == 60);
      CHECK(report->categories >= 10);
      CHECK(report->brands >= 5);
      CHECK(report->variants >= 120);
      CHECK(std::filesystem::exists(media / "seed" / "palette-00-160.jpg"));
      CHECK(f.Count("SELECT COUNT(*) FROM catalog_products WHERE status = 'published'") == 60);
      CHECK(f.inventory.reasons.size() > 0);
      CHECK(f.inventory.reasons.front() == "seed/seed");
      std::vector<std::string> fingerprint;
      f.store().ForEachProduct([&](const Product& p) {
        std::string line = p.slug;
        for (const auto& v : p.variants) line += "|" + v.sku + "=" + std::to_string(v.price.amount) + "@" +
                                                 std::to_string(f.inventory.OnHand(v.sku));
        fingerprint.push_back(line);
      });
      std::sort(fingerprint.begin(), fingerprint.end());
      runs.push_back(fingerprint);
      // A second seed on a non-empty catalog is refused.
      CHECK(SeedDemoCatalog(SeedDeps{f.store(), f.inventory, f.ids(), f.clock, media}, 5).error().code ==
            ErrorCode::kConflict);
      std::filesystem::remove_all(media);
    }
  });
  REQUIRE(runs.size() >= 2);
  for (const auto& run : runs) CHECK(run == runs.front());
}

}  // namespace
}  // namespace shop::catalog
