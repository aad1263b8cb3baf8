#pragma once
/// How the composition root (src/app) builds and wires the catalog module.
/// Other modules use catalog.hpp, types.hpp and events.hpp only.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/events/outbox.hpp"
#include "platform/http/router.hpp"
#include "platform/ids/ids.hpp"
#include "platform/templates/templates.hpp"
#include "shop/catalog/catalog.hpp"
#include "shop/inventory/inventory.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace shop::catalog {

struct CatalogModuleDeps {
  const platform::config::Config& config;
  platform::db::Db& db;
  platform::events::Outbox& outbox;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::templates::Templates& templates;
  inventory::InventoryService& inventory;
};

/// What a demo seed did, to print.
struct SeedReport {
  std::int64_t categories = 0;
  std::int64_t brands = 0;
  std::int64_t products = 0;
  std::int64_t variants = 0;
  std::int64_t images = 0;
  std::int64_t elapsed_ms = 0;
};

class CatalogModule {
 public:
  explicit CatalogModule(CatalogModuleDeps deps);
  ~CatalogModule();
  CatalogModule(const CatalogModule&) = delete;
  CatalogModule& operator=(const CatalogModule&) = delete;

  CatalogService& service();

  /// Public API (/api/v1/categories, /api/v1/products*), staff API
  /// (/api/v1/admin/products*, categories, brands, images), storefront pages
  /// (/c/{slug}, /p/{slug}), admin pages (/admin/products*, /admin/categories,
  /// /admin/brands) and the media files (/media/...).
  void RegisterRoutes(platform::http::Router& router);

  /// Cache invalidation: catalog.product_changed.v1 (other instances' writes)
  /// and inventory.stock_changed.v1 (live availability).
  void RegisterSubscriptions(platform::events::Bus& bus);

  /// Categories for the header navigation: [{slug, name, href}] of the top level.
  boost::json::array NavigationCategories();

  /// Adds a deterministic demo catalog of `products` products (same N → same
  /// slugs, prices and stock). Refuses (kConflict) when the catalog already
  /// has products. Stock goes through InventoryService::Track + Adjust
  /// (reason "seed"). Thread-safe but meant for start-up and the CLI.
  Result<SeedReport> SeedDemo(std::int64_t products);

  /// Dev profile: SeedDemo(catalog.seed_products) when catalog.seed_on_empty
  /// and there are no products; nullopt otherwise.
  std::optional<SeedReport> EnsureDemoCatalog();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::catalog
