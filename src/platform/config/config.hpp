#pragma once
/// shopd's configuration (DESIGN §2): one TOML file, every key documented in
/// config/README.md (generated from the schema: `shopd config-reference`),
/// unknown keys rejected, SHOPD_* environment variables override keys
/// (`http.port` ← SHOPD_HTTP_PORT, `data_dir` ← SHOPD_DATA_DIR), and
/// SHOPD_*_FILE reads a secret from a file. Bad input throws ConfigError
/// naming the key; the CLI exits 2 on it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace shop::platform::config {

struct ShopConfig {
  std::string name = "shopd";
  std::string currency = "EUR";  ///< ISO 4217, upper-case
  std::string base_url = "http://127.0.0.1:8080";
};

struct HttpConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int io_threads = 1;
  int blocking_threads = 4;
  std::int64_t blocking_queue = 1024;
  std::int64_t max_connections = 10000;
  std::int64_t body_limit_bytes = 1024 * 1024;
  std::int64_t header_timeout_ms = 10'000;
  std::int64_t body_timeout_ms = 30'000;
  std::int64_t idle_timeout_ms = 60'000;
  std::int64_t drain_timeout_ms = 25'000;
  bool tls_in_front = false;  ///< a TLS proxy terminates in front: cookies get Secure
};

struct DatabaseConfig {
  /// "" → SQLite file <data_dir>/shop.db; "sqlite:<path>" or a plain path →
  /// SQLite; "postgresql://..." → PostgreSQL.
  std::string url;
  int pool_size = 8;
  std::int64_t busy_timeout_ms = 5000;
  bool auto_migrate = true;  ///< `serve` applies pending migrations itself
};

struct RedisConfig {
  std::string url;  ///< "" → embedded key-value store; "redis://[:pw@]host:port[/db]"
  int pool_size = 8;
  std::int64_t timeout_ms = 2000;
  std::int64_t snapshot_interval_s = 10;  ///< embedded store only: 0 → memory only
};

struct EventsConfig {
  bool relay_enabled = true;
  std::int64_t poll_interval_ms = 200;
  int batch_size = 100;
  int relay_workers = 4;
  std::int64_t lease_ms = 30'000;
  int max_attempts = 8;
  std::int64_t backoff_base_ms = 500;
  std::int64_t backoff_max_ms = 300'000;
  std::int64_t inbox_retention_days = 30;
};

struct LogConfig {
  std::string level = "info";   ///< trace|debug|info|warn|error
  std::string format = "json";  ///< json|text
  bool access = true;           ///< one JSON line per request
};

struct WebConfig {
  std::string dir;  ///< "" → <exe dir>/../share/shopd/web, else ./web
  std::int64_t static_max_age_s = 3600;
};

struct IdentityConfig {
  std::int64_t argon2_memory_kib = 19456;  ///< argon2id memory cost; at least 19 MiB (OWASP)
  std::int64_t argon2_ops = 2;             ///< argon2id passes; at least 2
  std::int64_t session_idle_minutes = 120;
  std::int64_t session_absolute_hours = 168;
  std::int64_t reset_token_ttl_minutes = 30;
  std::int64_t verification_token_ttl_hours = 48;
  std::int64_t login_max_per_account = 5;
  std::int64_t login_max_per_ip = 20;
  std::int64_t register_max_per_ip = 10;
  std::int64_t reset_max_per_account = 3;
  std::int64_t throttle_window_seconds = 900;
  std::string demo_admin_email = "admin@example.com";
};

struct InventoryConfig {
  std::int64_t low_stock_default = 5;  ///< threshold of SKUs without their own
  std::int64_t sweep_interval_ms = 30'000;
  std::int64_t sweep_batch_size = 100;
  bool sweep_enabled = true;
};

struct CartConfig {
  std::int64_t ttl_seconds = 2'592'000;  ///< a cart untouched this long is dropped (30 days)
  std::int64_t max_quantity = 99;        ///< per line
  std::int64_t max_lines = 100;
  std::string default_country = "DE";    ///< destination of estimates until the shopper picks one
};

/// Shipping methods and tax, as the cart prices them (see config/README.md
/// for the formats).
struct ShippingConfig {
  std::string methods =
      "standard|Standard|DE,AT,NL,BE,FR,IT,ES,PL,DK,SE|490|0|5000;"
      "express|Express|DE,AT,NL|990|0|0;"
      "parcel|Parcel by weight|*|390|120|0";
};

struct TaxConfig {
  std::string rates = "DE:1900,AT:2000,NL:2100,BE:2100,FR:2000,IT:2200,ES:2100,PL:2300,DK:2500,SE:2500";
  std::int64_t default_rate_bp = 0;  ///< countries not in `rates`
  bool prices_include_tax = true;
};

struct OrdersConfig {
  std::int64_t reservation_ttl_seconds = 900;  ///< unpaid orders expire and release their stock after this
  std::string screening_policy = "approve";     ///< fixed screening verdict until the fraud module decides
};

struct CatalogConfig {
  bool seed_on_empty = false;            ///< seed a demo catalog when there are no products (dev)
  std::int64_t seed_products = 1000;     ///< products in that demo catalog
  std::int64_t cache_entries = 5000;     ///< rendered products kept in memory per instance
  std::int64_t variant_cache_entries = 20000;  ///< sellable variants (carts, checkout) kept per instance
  std::int64_t image_max_bytes = 10485760;  ///< largest accepted image upload
};

struct SearchConfig {
  std::string dir;  ///< "" → <data_dir>/search
  std::int64_t commit_interval_ms = 200;
  std::int64_t catchup_interval_ms = 1000;
  std::int64_t catchup_overlap_ms = 10'000;
  std::int64_t result_cache_entries = 1000;
};

struct PaymentsMockConfig {
  std::int64_t latency_ms = 0;       ///< delay of every mock gateway call
  std::int64_t failure_rate = 0;     ///< percent of mock gateway calls that fail as unavailable
  std::string webhook_url;           ///< "" → this server's own /api/v1/payments/webhook
  std::int64_t action_delay_ms = 1000;  ///< a REQUIRES_ACTION card completes this long after confirming
  std::int64_t webhook_retry_base_ms = 500;
  std::int64_t webhook_retry_max_ms = 60'000;
  std::int64_t webhook_poll_ms = 200;
};

struct PaymentsConfig {
  std::int64_t max_failed_attempts = 3;  ///< declines that cancel an intent
  std::string webhook_secrets;           ///< comma-separated; the first also signs the mock's webhooks
  std::int64_t webhook_tolerance_s = 300;
  std::int64_t provider_timeout_ms = 5000;
  std::int64_t breaker_failure_threshold = 5;
  std::int64_t breaker_open_ms = 30'000;
  PaymentsMockConfig mock;
};

struct MailConfig {
  std::string from;  ///< "" → "<shop.name> <no-reply@localhost>"
};

struct DebugConfig {
  bool routes = false;  ///< /debug/sleep for shutdown tests; never in production
  std::string crash_points;  ///< comma-separated platform::CrashPoint names; crash-safety tests only
};

struct Config {
  std::string profile = "dev";  ///< dev|prod
  std::string data_dir = "./data";
  ShopConfig shop;
  HttpConfig http;
  DatabaseConfig database;
  RedisConfig redis;
  EventsConfig events;
  LogConfig log;
  WebConfig web;
  IdentityConfig identity;
  InventoryConfig inventory;
  CatalogConfig catalog;
  OrdersConfig orders;
  CartConfig cart;
  ShippingConfig shipping;
  TaxConfig tax;
  SearchConfig search;
  PaymentsConfig payments;
  MailConfig mail;
  DebugConfig debug;
};

class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message)
      : std::runtime_error(key.empty() ? message : key + ": " + message), key_(std::move(key)) {}
  /// The offending key in dotted form ("http.port"); empty for file-level errors.
  const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

using Environment = std::map<std::string, std::string>;

/// The process environment as a map (only SHOPD_* entries).
Environment ProcessEnvironment();

/// Loads defaults, then the TOML file (if `path` is set), then environment
/// overrides, then validates. Throws ConfigError naming the key on an unknown
/// key, a wrong type, an out-of-range value, an unreadable *_FILE or a
/// syntax error (with line and column).
Config Load(const std::optional<std::string>& path, const Environment& env);

/// Markdown reference of every key: name, type, default, env variable, meaning.
std::string ReferenceMarkdown();

}  // namespace shop::platform::config
