#pragma once
/// The composition root (DESIGN §1 "Wiring"): builds Config, Clock, Ids, Db,
/// Kv, EventBus, then the modules in dependency order, each given references
/// to what it needs; then registers routes and event subscriptions. No
/// service locator, no static registration: everything is built here.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/events/outbox.hpp"
#include "platform/events/outbox_admin.hpp"
#include "platform/events/relay.hpp"
#include "platform/http/router.hpp"
#include "platform/http/static_files.hpp"
#include "platform/ids/ids.hpp"
#include "platform/kv/kv.hpp"
#include "platform/metrics/metrics.hpp"
#include "platform/templates/templates.hpp"
#include "shop/catalog/module.hpp"
#include "shop/search/module.hpp"
#include "shop/identity/module.hpp"
#include "shop/inventory/module.hpp"
#include "shop/payments/module.hpp"
#include "shop/cart/module.hpp"
#include "shop/orders/module.hpp"

#include <atomic>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace shop::app {

/// A reason the shop cannot start (schema newer than the binary, pending
/// migrations with auto_migrate off, unreachable database). Exit code 1.
class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RouteDeps;

class App {
 public:
  /// Opens the database and key-value store and loads templates. Throws
  /// StartupError when a dependency cannot be reached.
  explicit App(platform::config::Config config);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Brings the schema to this binary's version if `apply`, else only checks.
  /// Throws StartupError on a schema newer than the binary, a changed
  /// migration, or (when not applying) pending migrations.
  void PrepareSchema(bool apply);

  /// Builds modules and registers every route, middleware and subscription.
  void Wire();

  /// Runs the relay and the HTTP server until SIGTERM/SIGINT drains it.
  /// Returns the process exit code.
  int Serve();

  const platform::http::Router& router() const { return router_; }
  identity::IdentityModule& identity() { return *identity_; }
  inventory::InventoryModule& inventory() { return *inventory_; }
  catalog::CatalogModule& catalog() { return *catalog_; }
  search::SearchModule& search() { return *search_; }
  payments::PaymentsModule& payments() { return *payments_; }
  platform::events::OutboxAdmin& outbox_admin() { return *outbox_admin_; }

 private:
  platform::config::Config config_;
  std::filesystem::path web_dir_;
  platform::SystemClock clock_;
  platform::RandomIdGenerator ids_;
  std::unique_ptr<platform::db::Db> db_;
  std::unique_ptr<platform::kv::KvStore> kv_;
  platform::metrics::Registry metrics_;
  platform::events::Bus bus_;
  std::unique_ptr<platform::events::Outbox> outbox_;
  std::unique_ptr<platform::events::OutboxAdmin> outbox_admin_;
  std::unique_ptr<platform::events::Relay> relay_;
  std::unique_ptr<platform::templates::Templates> templates_;
  // Modules, in dependency order.
  std::unique_ptr<identity::IdentityModule> identity_;
  std::unique_ptr<inventory::InventoryModule> inventory_;
  std::unique_ptr<catalog::CatalogModule> catalog_;
  std::unique_ptr<search::SearchModule> search_;
  std::unique_ptr<payments::PaymentsModule> payments_;
  std::unique_ptr<cart::CartModule> cart_;
  std::unique_ptr<orders::OrdersModule> orders_;
  platform::http::Router router_;
  std::unique_ptr<RouteDeps> route_deps_;
  std::unique_ptr<platform::http::StaticFiles> static_files_;
  std::vector<platform::http::Middleware> middlewares_;
  std::atomic<bool> draining_{false};
  bool schema_current_ = false;
};

/// Where web/ (templates, static files, the OpenAPI document) lives:
/// web.dir if set, else <exe>/../share/shopd/web, <exe>/../web, ./web.
std::filesystem::path ResolveWebDir(const platform::config::Config& config);

/// The database URL with the embedded default filled in (<data_dir>/shop.db).
std::string EffectiveDatabaseUrl(const platform::config::Config& config);

}  // namespace shop::app
