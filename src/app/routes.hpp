#pragma once
/// Routes that belong to the shop as a whole rather than to one module:
/// operations (/livez, /readyz, /metrics, /api/openapi.json), the storefront
/// home page, and opt-in debug routes. Modules register their own routes.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/outbox_admin.hpp"
#include "platform/http/router.hpp"
#include "platform/kv/kv.hpp"
#include "platform/metrics/metrics.hpp"
#include "platform/templates/templates.hpp"
#include "shop/catalog/module.hpp"

#include <atomic>
#include <filesystem>

namespace shop::app {

/// What the shop-wide routes read. References stay valid for the App's life.
struct RouteDeps {
  const platform::config::Config& config;
  const std::filesystem::path& web_dir;
  const platform::Clock& clock;
  platform::db::Db& db;
  platform::kv::KvStore& kv;
  platform::metrics::Registry& metrics;
  const platform::templates::Templates& templates;
  platform::events::OutboxAdmin& outbox_admin;
  catalog::CatalogModule& catalog;
  const std::atomic<bool>& draining;
  const bool& schema_current;
};

/// GET /livez (no dependencies, inline), GET /readyz (database, key-value
/// store, schema, not draining), GET /metrics, GET /api/openapi.json.
void RegisterOperationsRoutes(platform::http::Router& router, const RouteDeps& deps);

/// GET / — the storefront home page through the base layout.
void RegisterStorefrontRoutes(platform::http::Router& router, const RouteDeps& deps);

/// GET /debug/sleep?ms=N (≤ 10 000): holds a blocking worker, for drain tests.
/// Registered only when debug.routes is true.
void RegisterDebugRoutes(platform::http::Router& router, const RouteDeps& deps);

/// Adds the outbox gauges (pending, oldest pending age, dead letters),
/// computed at scrape time.
void RegisterOutboxMetrics(platform::metrics::Registry& metrics, platform::events::OutboxAdmin& admin);

/// Fields every page's layout needs: shop_name, year.
boost::json::object PageBase(const RouteDeps& deps, std::string_view title);

}  // namespace shop::app
