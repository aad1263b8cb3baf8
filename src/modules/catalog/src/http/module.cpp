// The catalog module as the composition root sees it (module.hpp).
#include "shop/catalog/module.hpp"

#include "catalog_store.hpp"
#include "http/env.hpp"
#include "platform/http/static_files.hpp"
#include "platform/log/log.hpp"
#include "product_cache.hpp"
#include "seed.hpp"
#include "shop/catalog/events.hpp"
#include "shop/inventory/events.hpp"

#include <boost/json.hpp>

namespace shop::catalog {

namespace {
// Bounds staleness of a cached document in a scaled-out shop, where another
// instance's relay may deliver the invalidating event to itself only.
constexpr std::chrono::seconds kCacheMaxAge{10};

platform::money::Currency ShopCurrency(const platform::config::Config& config) {
  auto currency = platform::money::Currency::FromCode(config.shop.currency);
  if (!currency) throw std::invalid_argument("shop.currency: " + currency.error().detail);
  return *currency;
}
}  // namespace

struct CatalogModule::Impl {
  explicit Impl(CatalogModuleDeps d)
      : deps(d),
        store(CatalogStoreDeps{.db = deps.db,
                               .outbox = deps.outbox,
                               .clock = deps.clock,
                               .ids = deps.ids,
                               .currency = ShopCurrency(deps.config),
                               .variant_cache_entries = static_cast<std::size_t>(deps.config.catalog.variant_cache_entries)}),
        cache(static_cast<std::size_t>(deps.config.catalog.cache_entries), kCacheMaxAge),
        media_root(std::filesystem::path(deps.config.data_dir) / "media"),
        media(media_root, platform::http::StaticFilesOptions{.max_age = std::chrono::seconds(86400)}),
        env(HttpEnv{.config = deps.config,
                    .templates = deps.templates,
                    .clock = deps.clock,
                    .ids = deps.ids,
                    .store = store,
                    .inventory = deps.inventory,
                    .cache = cache,
                    .media_root = media_root}) {
    // This instance's own writes drop its cached documents at once, before
    // the event goes round through the relay. "" means "every product"
    // (a category or brand rename shows in each linked product).
    store.OnProductCommitted([this](const std::string& slug) {
      if (slug.empty()) {
        cache.Clear();
      } else {
        cache.DropSlug(slug);
      }
    });
    // Inventory also follows catalog.variant_added.v1; tracking at once
    // means a new variant can be stocked the moment the write returns.
    // Track is idempotent, so the two never conflict.
    store.OnSkusAdded([this](const std::vector<std::string>& skus) {
      for (const auto& sku : skus) {
        if (auto tracked = deps.inventory.Track(inventory::Sku{sku}); !tracked) {
          platform::log::Get("catalog")->warn("inventory did not track {}: {}", sku, tracked.error().detail);
        }
      }
    });
  }

  CatalogModuleDeps deps;
  CatalogStore store;
  ProductCache cache;
  std::filesystem::path media_root;
  platform::http::StaticFiles media;
  HttpEnv env;
};

CatalogModule::CatalogModule(CatalogModuleDeps deps) : impl_(std::make_unique<Impl>(deps)) {}
CatalogModule::~CatalogModule() = default;

CatalogService& CatalogModule::service() { return impl_->store; }

void CatalogModule::RegisterRoutes(platform::http::Router& router) {
  RegisterPublicApi(router, impl_->env);
  RegisterAdminApi(router, impl_->env);
  RegisterStorefrontPages(router, impl_->env);
  RegisterAdminPages(router, impl_->env);
  impl_->media.Register(router, "/media/");
}

void CatalogModule::RegisterSubscriptions(platform::events::Bus& bus) {
  ProductCache& cache = impl_->cache;
  CatalogStore& store = impl_->store;
  // Another instance changed a product: drop what this one cached of it
  // (the rendered document and the sellable variants).
  bus.On<events::ProductChanged>("catalog.product_cache",
                                 [&cache, &store](const events::ProductChanged& e, const platform::events::Envelope&) {
                                   cache.DropSlug(e.slug);
                                   store.ForgetProduct(e.product_id);
                                 });
  bus.On<inventory::events::StockChanged>(
      "catalog.availability_cache",
      [&cache](const inventory::events::StockChanged& e, const platform::events::Envelope&) { cache.DropSku(e.sku); });
}

boost::json::array CatalogModule::NavigationCategories() {
  boost::json::array out;
  for (const auto& c : impl_->store.Categories()) {
    if (c.parent_id) continue;
    out.push_back(boost::json::object{{"slug", c.slug}, {"name", c.name}, {"href", "/c/" + c.slug}});
  }
  return out;
}

Result<SeedReport> CatalogModule::SeedDemo(std::int64_t products) {
  return SeedDemoCatalog(SeedDeps{.store = impl_->store,
                                  .inventory = impl_->deps.inventory,
                                  .ids = impl_->deps.ids,
                                  .clock = impl_->deps.clock,
                                  .media_root = impl_->media_root},
                         products);
}

std::optional<SeedReport> CatalogModule::EnsureDemoCatalog() {
  if (!impl_->deps.config.catalog.seed_on_empty || impl_->store.HasProducts()) return std::nullopt;
  auto report = SeedDemo(impl_->deps.config.catalog.seed_products);
  if (!report) throw std::runtime_error("could not seed the demo catalog: " + report.error().detail);
  return *report;
}

}  // namespace shop::catalog
