#pragma once
// What the catalog's routes and pages share: configuration, the store, the
// inventory contract (live availability), the product cache and the media
// directory. Built once by the module; routes keep a reference.

#include "catalog_store.hpp"
#include "platform/config/config.hpp"
#include "platform/http/router.hpp"
#include "platform/templates/templates.hpp"
#include "product_cache.hpp"
#include "product_json.hpp"
#include "shop/inventory/inventory.hpp"

#include <filesystem>
#include <memory>

namespace shop::catalog {

struct HttpEnv {
  const platform::config::Config& config;
  const platform::templates::Templates& templates;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  CatalogStore& store;
  inventory::InventoryService& inventory;
  ProductCache& cache;
  std::filesystem::path media_root;
};

/// Available units of every variant of `products`, in one inventory query.
Availability AvailabilityOf(inventory::InventoryService& inventory, const std::vector<Product>& products);

/// The public document of a published product, from the cache or built and
/// cached. kInvalidInput for a malformed slug, kNotFound for a draft or a
/// missing product.
Result<std::shared_ptr<const CachedProduct>> PublicProduct(const HttpEnv& env, std::string_view slug);

/// {"items": [...], "next_cursor": ...} of a product page with availability.
boost::json::object ProductPageJson(const HttpEnv& env, const ProductPage& page);

/// Reads limit/sort/cursor/category query parameters; kInvalidInput names
/// the bad parameter.
Result<ProductQuery> ParseProductQuery(const platform::http::Request& request);

void RegisterPublicApi(platform::http::Router& router, const HttpEnv& env);
void RegisterAdminApi(platform::http::Router& router, const HttpEnv& env);
void RegisterStorefrontPages(platform::http::Router& router, const HttpEnv& env);
void RegisterAdminPages(platform::http::Router& router, const HttpEnv& env);

}  // namespace shop::catalog
