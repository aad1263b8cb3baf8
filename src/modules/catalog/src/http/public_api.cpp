// GET /api/v1/categories, /api/v1/products, /api/v1/products/{slug}.
#include "http/env.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace shop::catalog {

namespace http = platform::http;
namespace json = boost::json;

Availability AvailabilityOf(inventory::InventoryService& inventory, const std::vector<Product>& products) {
  std::vector<inventory::Sku> skus;
  for (const auto& p : products) {
    for (const auto& v : p.variants) skus.push_back(inventory::Sku{v.sku});
  }
  Availability out;
  if (skus.empty()) return out;
  for (const auto& level : inventory.GetMany(skus)) out[level.sku.value] = level.available;
  return out;
}

Result<std::shared_ptr<const CachedProduct>> PublicProduct(const HttpEnv& env, std::string_view slug) {
  std::string key(slug);
  if (auto hit = env.cache.Find(key)) return hit;
  // Taken before reading, so a write committing meanwhile keeps this
  // (possibly older) document out of the cache.
  const std::uint64_t generation = env.cache.Generation();
  auto product = env.store.GetProductBySlug(slug, true);
  if (!product) return product.error();
  Availability available = AvailabilityOf(env.inventory, {*product});
  auto entry = std::make_shared<CachedProduct>();
  entry->product_id = product->id.value;
  entry->slug = product->slug;
  for (const auto& v : product->variants) entry->skus.push_back(v.sku);
  entry->body = json::serialize(ProductJson(*product, available));
  entry->etag = ProductEtag(*product, available);
  env.cache.Put(entry, generation);
  return std::shared_ptr<const CachedProduct>(entry);
}

json::object ProductPageJson(const HttpEnv& env, const ProductPage& page) {
  Availability available = AvailabilityOf(env.inventory, page.items);
  json::array items;
  for (const auto& p : page.items) items.push_back(ProductJson(p, available));
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  return body;
}

Result<ProductQuery> ParseProductQuery(const http::Request& request) {
  ProductQuery q;
  if (auto text = request.Query("limit")) {
    int limit = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
    if (text->empty() || ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > 100) {
      return Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}});
    }
    q.limit = limit;
  }
  if (auto sort = request.Query("sort")) {
    if (*sort == "newest") q.sort = ProductSort::kNewest;
    else if (*sort == "price_asc") q.sort = ProductSort::kPriceAsc;
    else if (*sort == "price_desc") q.sort = ProductSort::kPriceDesc;
    else if (*sort == "name") q.sort = ProductSort::kName;
    else return Error::InvalidInput("invalid sort", {{"sort", "one of newest, price_asc, price_desc, name"}});
  }
  if (auto category = request.Query("category"); category && !category->empty()) q.category_slug = *category;
  if (auto cursor = request.Query("cursor")) {
    if (cursor->empty()) return Error::InvalidInput("invalid cursor", {{"cursor", "must not be empty"}});
    q.cursor = *cursor;
  }
  return q;
}

void RegisterPublicApi(http::Router& router, const HttpEnv& env) {
  router.Get("/api/v1/categories", [&env](http::Request&) {
    return http::Response::Json(200, json::object{{"items", CategoryTree(env.store.Categories())}});
  });

  router.Get("/api/v1/brands", [&env](http::Request&) {
    json::array items;
    for (const auto& b : env.store.Brands()) items.push_back(BrandJson(b));
    return http::Response::Json(200, json::object{{"items", std::move(items)}});
  });

  router.Get("/api/v1/products", [&env](http::Request& request) {
    auto query = ParseProductQuery(request);
    if (!query) return http::Response::Problem(query.error(), request.path);
    auto page = env.store.ListProductSlugs(*query);
    if (!page) return http::Response::Problem(page.error(), request.path);
    // Each item is the product's cached public document, spliced in as it
    // is: a warm list costs one keyset query and no JSON building.
    std::string body = "{\"items\":[";
    bool first = true;
    for (const auto& slug : page->slugs) {
      auto doc = PublicProduct(env, slug);
      if (!doc) continue;  // unpublished or deleted since the keyset query
      if (!first) body += ',';
      first = false;
      body += (*doc)->body;
    }
    body += "],\"next_cursor\":";
    body += page->next_cursor ? json::serialize(json::value(*page->next_cursor)) : std::string("null");
    body += '}';
    http::Response response;
    response.status = 200;
    response.headers.Set("Content-Type", "application/json");
    response.body = std::move(body);
    return response;
  });

  router.Get("/api/v1/products/{slug}", [&env](http::Request& request) {
    auto doc = PublicProduct(env, request.PathParam("slug"));
    if (!doc) return http::Response::Problem(doc.error(), request.path);
    const CachedProduct& entry = **doc;
    http::Response response;
    response.headers.Set("ETag", entry.etag);
    // Shared caches may keep it but must ask again: availability is live.
    response.headers.Set("Cache-Control", "public, no-cache");
    if (auto inm = request.Header("If-None-Match"); inm && inm->find(entry.etag) != std::string_view::npos) {
      response.status = 304;
      return response;
    }
    response.status = 200;
    response.headers.Set("Content-Type", "application/json");
    response.body = entry.body;
    return response;
  });
}

}  // namespace shop::catalog
