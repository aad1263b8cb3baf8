#include "app/app.hpp"

#include "app/http_observer.hpp"
#include "app/kv_persistence.hpp"
#include "app/maintenance.hpp"
#include "app/routes.hpp"
#include "platform/core/crash_points.hpp"
#include "platform/db/embedded_migrations.hpp"
#include "platform/db/migrations.hpp"
#include "platform/http/middleware.hpp"
#include "platform/http/server.hpp"
#include "platform/http/static_files.hpp"
#include "platform/kv/embedded_kv.hpp"
#include "platform/log/log.hpp"

#include <fmt/format.h>

#include <unistd.h>

#include <optional>

namespace shop::app {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path ResolveWebDir(const platform::config::Config& config) {
  if (!config.web.dir.empty()) return config.web.dir;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (const auto& candidate : {exe.parent_path() / ".." / "share" / "shopd" / "web", exe.parent_path() / ".." / "web"}) {
      if (fs::is_directory(candidate / "templates")) return fs::weakly_canonical(candidate);
    }
  }
  return fs::absolute("web");
}

std::string EffectiveDatabaseUrl(const platform::config::Config& config) {
  if (!config.database.url.empty()) return config.database.url;
  return "sqlite:" + (fs::path(config.data_dir) / "shop.db").string();
}

App::App(platform::config::Config config)
    : config_(std::move(config)), web_dir_(ResolveWebDir(config_)), ids_(clock_) {
  std::error_code ec;
  fs::create_directories(config_.data_dir, ec);
  if (ec) throw StartupError(fmt::format("data_dir {}: {}", config_.data_dir, ec.message()));

  try {
    db_ = platform::db::Db::Open(platform::db::DbOptions{
        .url = EffectiveDatabaseUrl(config_),
        .pool_size = static_cast<std::size_t>(config_.database.pool_size),
        .busy_timeout = std::chrono::milliseconds(config_.database.busy_timeout_ms)});
  } catch (const std::exception& e) {
    throw StartupError(fmt::format("database: {}", e.what()));
  }

  try {
    if (config_.redis.url.empty()) {
      kv_ = platform::kv::MakeEmbeddedKv(clock_);
    } else {
      kv_ = platform::kv::MakeRedisKv(config_.redis.url, config_.redis.pool_size,
                                      std::chrono::milliseconds(config_.redis.timeout_ms));
      if (!kv_->Ping()) throw StartupError("redis: no answer to PING at " + config_.redis.url);
    }
  } catch (const platform::kv::KvError& e) {
    throw StartupError(fmt::format("redis: {}", e.what()));
  }

  try {
    templates_ = std::make_unique<platform::templates::Templates>(web_dir_ / "templates",
                                                                  config_.profile == "dev");
  } catch (const platform::templates::TemplateError& e) {
    throw StartupError(fmt::format("templates: {}", e.what()));
  }

  // The relay is built first so the outbox and the admin can wake it the
  // moment new work is committed instead of waiting for the next poll.
  relay_ = std::make_unique<platform::events::Relay>(
      *db_, bus_, clock_,
      platform::events::RelayOptions{
          .poll_interval = std::chrono::milliseconds(config_.events.poll_interval_ms),
          .batch_size = config_.events.batch_size,
          .workers = config_.events.relay_workers,
          .lease = std::chrono::milliseconds(config_.events.lease_ms),
          .max_attempts = config_.events.max_attempts,
          .backoff_base = std::chrono::milliseconds(config_.events.backoff_base_ms),
          .backoff_max = std::chrono::milliseconds(config_.events.backoff_max_ms),
          .relay_id = fmt::format("relay-{}-{}", ::getpid(), ids_.NewToken(6))});
  outbox_ = std::make_unique<platform::events::Outbox>(clock_, ids_, [this] { relay_->Notify(); });
  outbox_admin_ = std::make_unique<platform::events::OutboxAdmin>(*db_, clock_, [this] { relay_->Notify(); });

  identity_ = std::make_unique<identity::IdentityModule>(identity::IdentityModuleDeps{
      .config = config_,
      .db = *db_,
      .kv = *kv_,
      .outbox = *outbox_,
      .clock = clock_,
      .ids = ids_,
      .templates = *templates_});
  inventory_ = std::make_unique<inventory::InventoryModule>(inventory::InventoryModuleDeps{
      .config = config_,
      .db = *db_,
      .outbox = *outbox_,
      .clock = clock_,
      .ids = ids_,
      .templates = *templates_});
  try {
    catalog_ = std::make_unique<catalog::CatalogModule>(catalog::CatalogModuleDeps{
        .config = config_,
        .db = *db_,
        .outbox = *outbox_,
        .clock = clock_,
        .ids = ids_,
        .templates = *templates_,
        .inventory = inventory_->service()});
  } catch (const std::invalid_argument& e) {
    throw StartupError(fmt::format("catalog: {}", e.what()));
  }
  search_ = std::make_unique<search::SearchModule>(search::SearchModuleDeps{
      .config = config_,
      .db = *db_,
      .clock = clock_,
      .templates = *templates_,
      .catalog = catalog_->service(),
      .inventory = inventory_->service()});
  payments_ = std::make_unique<payments::PaymentsModule>(payments::PaymentsModuleDeps{
      .config = config_, .db = *db_, .outbox = *outbox_, .clock = clock_, .ids = ids_});
  try {
    cart_ = std::make_unique<cart::CartModule>(cart::CartModuleDeps{.config = config_,
                                                                    .kv = *kv_,
                                                                    .clock = clock_,
                                                                    .ids = ids_,
                                                                    .templates = *templates_,
                                                                    .catalog = catalog_->service(),
                                                                    .inventory = inventory_->service()});
    orders_ = std::make_unique<orders::OrdersModule>(orders::OrdersModuleDeps{.config = config_,
                                                                              .db = *db_,
                                                                              .outbox = *outbox_,
                                                                              .clock = clock_,
                                                                              .ids = ids_,
                                                                              .templates = *templates_,
                                                                              .cart = cart_->service(),
                                                                              .identity = identity_->service(),
                                                                              .inventory = inventory_->service(),
                                                                              .payments = payments_->service()});
  } catch (const std::invalid_argument& e) {
    throw StartupError(fmt::format("cart/orders: {}", e.what()));
  }
}

App::~App() = default;

void App::PrepareSchema(bool apply) {
  platform::db::Migrator migrator(*db_, platform::db::EmbeddedMigrationFiles(), clock_);
  auto status = migrator.Check();
  if (!status.Compatible()) throw StartupError(status.Describe() + " Refusing to start.");
  if (!status.pending.empty()) {
    if (!apply) throw StartupError(status.Describe());
    std::size_t applied = migrator.Apply();
    platform::log::Get("db")->info("applied {} migration(s)", applied);
  }
  schema_current_ = true;
}

void App::Wire() {
  namespace mw = platform::http;
  // Order matters: the request id and trace come first so every later log
  // line carries them; the error boundary is innermost so a handler's
  // exception still passes through the security headers on its way out.
  middlewares_.push_back(mw::RequestContext());
  middlewares_.push_back([](platform::http::Request& req, const platform::http::Next& next) {
    platform::log::RequestScope scope(req.request_id, req.trace_id, req.route);
    return next(req);
  });
  middlewares_.push_back(mw::SecurityHeaders());
  middlewares_.push_back(mw::ErrorBoundary());
  // Inside the error boundary: an exception while authenticating is a 500
  // with a request id like any other.
  middlewares_.push_back(identity_->AuthMiddleware());

  // Routes keep references into this for the App's lifetime.
  route_deps_ = std::make_unique<RouteDeps>(RouteDeps{.config = config_,
                 .web_dir = web_dir_,
                 .clock = clock_,
                 .db = *db_,
                 .kv = *kv_,
                 .metrics = metrics_,
                 .templates = *templates_,
                 .outbox_admin = *outbox_admin_,
                 .catalog = *catalog_,
                 .draining = draining_,
                 .schema_current = schema_current_});
  RegisterOperationsRoutes(router_, *route_deps_);
  RegisterStorefrontRoutes(router_, *route_deps_);
  if (config_.debug.routes) RegisterDebugRoutes(router_, *route_deps_);
  identity_->RegisterRoutes(router_);
  identity_->RegisterSubscriptions(bus_);
  inventory_->RegisterRoutes(router_);
  catalog_->RegisterRoutes(router_);
  catalog_->RegisterSubscriptions(bus_);
  search_->RegisterRoutes(router_);
  search_->RegisterSubscriptions(bus_);
  payments_->RegisterRoutes(router_);
  cart_->RegisterRoutes(router_);
  orders_->RegisterRoutes(router_);
  orders_->RegisterSubscriptions(bus_);

  static_files_ = std::make_unique<platform::http::StaticFiles>(
      web_dir_ / "static",
      platform::http::StaticFilesOptions{.max_age = std::chrono::seconds(config_.web.static_max_age_s)});
  static_files_->Register(router_, "/static/");
}

int App::Serve() {
  platform::ArmCrashPoints(config_.debug.crash_points);
  HttpObserver observer(metrics_, router_, config_.log.access);
  RegisterOutboxMetrics(metrics_, *outbox_admin_);

  platform::http::ServerOptions options{
      .host = config_.http.host,
      .port = config_.http.port,
      .io_threads = config_.http.io_threads,
      .blocking_threads = config_.http.blocking_threads,
      .blocking_queue = static_cast<std::size_t>(config_.http.blocking_queue),
      .max_connections = static_cast<std::size_t>(config_.http.max_connections),
      .body_limit = static_cast<std::size_t>(config_.http.body_limit_bytes),
      .header_timeout = std::chrono::milliseconds(config_.http.header_timeout_ms),
      .body_timeout = std::chrono::milliseconds(config_.http.body_timeout_ms),
      .idle_timeout = std::chrono::milliseconds(config_.http.idle_timeout_ms),
      .drain_timeout = std::chrono::milliseconds(config_.http.drain_timeout_ms)};
  auto logger = platform::log::Get("http");
  platform::http::ServerHooks hooks{
      .on_exchange = [&observer](const platform::http::CompletedExchange& e) { observer.Record(e); },
      .on_listening =
          [&](std::uint16_t port) {
            payments_->SetListeningPort(port);
            logger->info("listening on http://{}:{} ({}; {}; data in {})", config_.http.host, port,
                         db_->dialect() == platform::db::Dialect::kSqlite ? "SQLite" : "PostgreSQL",
                         config_.redis.url.empty() ? "embedded key-value store" : "Redis",
                         config_.data_dir);
          },
      .on_draining =
          [&] {
            draining_ = true;
            logger->info("draining: finishing in-flight requests");
          }};
  platform::http::Server server(options, router_, middlewares_, hooks);

  Maintenance maintenance(*db_, clock_, std::chrono::hours(24 * config_.events.inbox_retention_days));
  maintenance.Start();
  // Without Redis, carts and sessions live in this process: restored from
  // the last snapshot before the first request, saved again at the end.
  std::optional<KvPersistence> kv_persistence;
  if (auto* embedded = dynamic_cast<platform::kv::EmbeddedKv*>(kv_.get());
      embedded != nullptr && config_.redis.snapshot_interval_s > 0) {
    kv_persistence.emplace(*embedded, std::filesystem::path(config_.data_dir) / "kv.snapshot",
                           std::chrono::seconds(config_.redis.snapshot_interval_s));
    kv_persistence->Restore();
    kv_persistence->Start();
  }
  if (config_.events.relay_enabled) relay_->Start();
  inventory_->Start();
  payments_->Start();
  try {
    // Opens the index; a missing or corrupt one is rebuilt in the background
    // while the rest of the shop already serves.
    search_->Start();
  } catch (const std::exception& e) {
    logger->error("search index: {}", e.what());
    inventory_->Stop();
    payments_->Stop();
    relay_->Stop();
    return 1;
  }
  try {
    server.Run();
  } catch (const std::exception& e) {
    logger->error("server failed: {}", e.what());
    inventory_->Stop();
    payments_->Stop();
    relay_->Stop();
    search_->Stop();
    return 1;
  }
  // The server has drained; the sweeper's last releases still publish
  // events, so it stops before the relay finishes the batch it holds. The
  // search index consumes events, so it closes only once the relay is done.
  inventory_->Stop();
  payments_->Stop();
  relay_->Stop();
  search_->Stop();
  maintenance.Stop();
  if (kv_persistence) kv_persistence->Stop();
  logger->info("stopped cleanly");
  return 0;
}

}  // namespace shop::app
