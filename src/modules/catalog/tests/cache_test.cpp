// The product cache's bounds and invalidation, and the ETag helpers.
#include "product_cache.hpp"
#include "product_json.hpp"

#include <doctest/doctest.h>

namespace shop::catalog {
namespace {

std::shared_ptr<const CachedProduct> Entry(std::string slug, std::vector<std::string> skus = {}) {
  auto e = std::make_shared<CachedProduct>();
  e->slug = std::move(slug);
  e->skus = std::move(skus);
  e->body = "{}";
  return e;
}

TEST_CASE("cache: bounded, least recently used dropped first") {
  ProductCache cache(2, std::chrono::seconds(60));
  cache.Put(Entry("a"), cache.Generation());
  cache.Put(Entry("b"), cache.Generation());
  CHECK(cache.Find("a"));  // a is now the most recent
  cache.Put(Entry("c"), cache.Generation());
  CHECK(cache.size() == 2);
  CHECK(cache.Find("a"));
  CHECK_FALSE(cache.Find("b"));
  CHECK(cache.Find("c"));
}

TEST_CASE("cache: invalidation by slug, by SKU, expiry, and no stale put") {
  auto now = std::chrono::steady_clock::now();
  ProductCache cache(10, std::chrono::seconds(10), [&now] { return now; });
  cache.Put(Entry("shirt", {"S-1", "S-2"}), cache.Generation());
  cache.Put(Entry("mug", {"M-1"}), cache.Generation());
  cache.DropSku("S-2");
  CHECK_FALSE(cache.Find("shirt"));
  CHECK(cache.Find("mug"));
  cache.DropSlug("mug");
  CHECK_FALSE(cache.Find("mug"));
  // A document read before an invalidation is not stored after it.
  auto generation = cache.Generation();
  cache.DropSlug("other");
  cache.Put(Entry("mug", {"M-1"}), generation);
  CHECK_FALSE(cache.Find("mug"));
  cache.Put(Entry("mug", {"M-1"}), cache.Generation());
  CHECK(cache.Find("mug"));
  now += std::chrono::seconds(11);
  CHECK_FALSE(cache.Find("mug"));
}

TEST_CASE("ETags: version and availability, If-Match parsing") {
  Product p;
  p.version = 3;
  p.variants.push_back(Variant{.sku = "A"});
  const std::string e1 = ProductEtag(p, {{"A", 5}});
  const std::string e2 = ProductEtag(p, {{"A", 4}});
  CHECK(e1 != e2);
  CHECK(e1.starts_with("\"v3-"));
  p.version = 4;
  CHECK(ProductEtag(p, {{"A", 5}}) != e1);
  CHECK(VersionFromEtag(e1) == 3);
  CHECK(VersionFromEtag("W/\"v12\"") == 12);
  CHECK(VersionFromEtag("7") == 7);
  CHECK_FALSE(VersionFromEtag("\"abc\""));
  CHECK_FALSE(VersionFromEtag("\"v0\""));
  CHECK_FALSE(VersionFromEtag(""));
}

}  // namespace
}  // namespace shop::catalog
