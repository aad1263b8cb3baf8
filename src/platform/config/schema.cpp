#include "platform/config/schema.hpp"

#include "platform/money/money.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <type_traits>

namespace shop::platform::config {
namespace {

using Check = std::function<std::optional<std::string>(const Value&)>;
using Problem = std::optional<std::string>;

Check OnInt(std::function<Problem(std::int64_t)> f) {
  return [f = std::move(f)](const Value& v) { return f(std::get<std::int64_t>(v)); };
}

Check OnString(std::function<Problem(const std::string&)> f) {
  return [f = std::move(f)](const Value& v) { return f(std::get<std::string>(v)); };
}

Check Range(std::int64_t lo, std::int64_t hi) {
  return OnInt([lo, hi](std::int64_t n) -> Problem {
    if (n < lo || n > hi) return fmt::format("must be between {} and {}, got {}", lo, hi, n);
    return std::nullopt;
  });
}

Check Port() { return Range(0, 65535); }

Check Positive() {
  return OnInt([](std::int64_t n) -> Problem {
    if (n < 1) return fmt::format("must be at least 1, got {}", n);
    return std::nullopt;
  });
}

Check NonNegative() {
  return OnInt([](std::int64_t n) -> Problem {
    if (n < 0) return fmt::format("must not be negative, got {}", n);
    return std::nullopt;
  });
}

Check NonEmpty() {
  return OnString([](const std::string& s) -> Problem {
    if (s.empty()) return "must not be empty";
    return std::nullopt;
  });
}

Check OneOf(std::vector<std::string> allowed) {
  return OnString([allowed = std::move(allowed)](const std::string& s) -> Problem {
    if (std::find(allowed.begin(), allowed.end(), s) != allowed.end()) return std::nullopt;
    return fmt::format("must be one of {}; got '{}'", fmt::join(allowed, ", "), s);
  });
}

Check CurrencyCode() {
  return OnString([](const std::string& s) -> Problem {
    if (money::IsCurrencyCode(s)) return std::nullopt;
    return fmt::format("must be an ISO 4217 code of three upper-case letters; got '{}'", s);
  });
}

Check HttpUrl() {
  return OnString([](const std::string& s) -> Problem {
    std::string_view rest = s;
    if (rest.starts_with("https://")) {
      rest.remove_prefix(8);
    } else if (rest.starts_with("http://")) {
      rest.remove_prefix(7);
    } else {
      return fmt::format("must start with http:// or https://; got '{}'", s);
    }
    if (rest.empty() || rest.front() == '/') return fmt::format("has no host: '{}'", s);
    // Links are built as base_url + "/path"; a trailing slash would double it.
    if (s.back() == '/') return fmt::format("must not end with '/'; got '{}'", s);
    if (s.find_first_of(" \t\r\n") != std::string::npos) return "must not contain whitespace";
    return std::nullopt;
  });
}

Check DatabaseUrl() {
  return OnString([](const std::string& s) -> Problem {
    const auto colon = s.find(':');
    if (colon == std::string::npos || colon < 2) return std::nullopt;  // a plain path
    const std::string_view head(s.data(), colon);
    const bool looks_like_scheme =
        std::isalpha(static_cast<unsigned char>(head.front())) &&
        std::all_of(head.begin(), head.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
        });
    if (!looks_like_scheme) return std::nullopt;  // a path that happens to contain ':'
    if (head == "sqlite") {
      if (s.size() == colon + 1) return "sqlite: needs a file path, e.g. sqlite:/data/shop.db";
      return std::nullopt;
    }
    if (head == "postgresql" || head == "postgres") {
      if (s.compare(colon, 3, "://") != 0) {
        return fmt::format("must look like {}://user:password@host:port/dbname", head);
      }
      return std::nullopt;
    }
    return fmt::format("unsupported scheme '{}': use sqlite:<path>, postgresql://... or a plain file path",
                       head);
  });
}

Check RedisUrl() {
  return OnString([](const std::string& s) -> Problem {
    if (s.empty()) return std::nullopt;
    if (!s.starts_with("redis://") || s.size() == 8) {
      return "must be empty or look like redis://[:password@]host:port[/db]";
    }
    return std::nullopt;
  });
}

// Builds a KeySpec from an accessor returning a reference to the field, so
// the type, the default and the setter all come from Config itself.
template <class Access>
KeySpec Make(std::string key, Access access, std::string meaning, Check check) {
  using T = std::remove_cvref_t<decltype(access(std::declval<Config&>()))>;
  const Config defaults;
  KeySpec spec;
  spec.env = EnvName(key);
  spec.key = std::move(key);
  spec.meaning = std::move(meaning);
  if constexpr (std::is_same_v<T, std::string>) {
    spec.type = ValueType::kString;
    spec.default_value = access(defaults);
    spec.validate = check ? check : [](const Value&) -> Problem { return std::nullopt; };
    spec.apply = [access](Config& c, const Value& v) { access(c) = std::get<std::string>(v); };
  } else if constexpr (std::is_same_v<T, bool>) {
    spec.type = ValueType::kBoolean;
    spec.default_value = access(defaults);
    spec.validate = [](const Value&) -> Problem { return std::nullopt; };
    spec.apply = [access](Config& c, const Value& v) { access(c) = std::get<bool>(v); };
  } else {
    static_assert(std::is_integral_v<T>, "config fields are strings, bools or integers");
    spec.type = ValueType::kInteger;
    spec.default_value = static_cast<std::int64_t>(access(defaults));
    // The field's own range is checked after the key's rule, so a count that
    // is positive but too large for an int still gets a precise message.
    spec.validate = [check](const Value& v) -> Problem {
      if (check) {
        if (auto problem = check(v)) return problem;
      }
      const std::int64_t n = std::get<std::int64_t>(v);
      constexpr auto kLo = static_cast<std::int64_t>(std::numeric_limits<T>::min());
      constexpr auto kHi = static_cast<std::int64_t>(std::numeric_limits<T>::max());
      if (n < kLo || n > kHi) return fmt::format("must be between {} and {}, got {}", kLo, kHi, n);
      return std::nullopt;
    };
    spec.apply = [access](Config& c, const Value& v) {
      access(c) = static_cast<T>(std::get<std::int64_t>(v));
    };
  }
  return spec;
}

template <auto Field>
KeySpec Top(std::string key, std::string meaning, Check check = {}) {
  return Make(
      std::move(key), [](auto& c) -> auto& { return c.*Field; }, std::move(meaning), std::move(check));
}

template <auto Section, auto Field>
KeySpec In(std::string key, std::string meaning, Check check = {}) {
  return Make(
      std::move(key), [](auto& c) -> auto& { return (c.*Section).*Field; }, std::move(meaning),
      std::move(check));
}

// A key of a table inside a section ("payments.mock.latency_ms").
template <auto Section, auto Table, auto Field>
KeySpec InTable(std::string key, std::string meaning, Check check = {}) {
  return Make(
      std::move(key), [](auto& c) -> auto& { return ((c.*Section).*Table).*Field; }, std::move(meaning),
      std::move(check));
}

std::vector<KeySpec> BuildSchema() {
  using C = Config;
  return {
      Top<&C::profile>("profile", "Deployment profile: `dev` or `prod` (prod refuses `debug.routes`).",
                       OneOf({"dev", "prod"})),
      Top<&C::data_dir>("data_dir", "Directory for local state: the SQLite file, the search index, dev mail.",
                        NonEmpty()),

      In<&C::shop, &ShopConfig::name>("shop.name", "Shop name shown in pages and e-mails.", NonEmpty()),
      In<&C::shop, &ShopConfig::currency>(
          "shop.currency", "ISO 4217 currency of every price (three upper-case letters).", CurrencyCode()),
      In<&C::shop, &ShopConfig::base_url>(
          "shop.base_url",
          "Public URL of the shop for links in e-mails; `http://` or `https://`, no trailing `/`.",
          HttpUrl()),

      In<&C::http, &HttpConfig::host>("http.host", "Address to listen on.", NonEmpty()),
      In<&C::http, &HttpConfig::port>("http.port", "TCP port to listen on; 0 picks a free port.", Port()),
      In<&C::http, &HttpConfig::io_threads>("http.io_threads", "Threads running the network I/O loop.",
                                            Positive()),
      In<&C::http, &HttpConfig::blocking_threads>(
          "http.blocking_threads", "Worker threads running route handlers (database, search).", Positive()),
      In<&C::http, &HttpConfig::blocking_queue>(
          "http.blocking_queue", "Requests that may wait for a worker before new ones get 503.", Positive()),
      In<&C::http, &HttpConfig::max_connections>("http.max_connections", "Open connections accepted at once.",
                                                 Positive()),
      In<&C::http, &HttpConfig::body_limit_bytes>(
          "http.body_limit_bytes", "Default request body limit in bytes (routes may raise it).", Positive()),
      In<&C::http, &HttpConfig::header_timeout_ms>(
          "http.header_timeout_ms", "Time allowed to receive the request headers.", Positive()),
      In<&C::http, &HttpConfig::body_timeout_ms>("http.body_timeout_ms",
                                                 "Time allowed to receive the request body.", Positive()),
      In<&C::http, &HttpConfig::idle_timeout_ms>(
          "http.idle_timeout_ms", "Idle keep-alive connections are closed after this.", Positive()),
      In<&C::http, &HttpConfig::drain_timeout_ms>(
          "http.drain_timeout_ms", "On SIGTERM, time allowed for in-flight requests to finish.", Positive()),
      In<&C::http, &HttpConfig::tls_in_front>("http.tls_in_front",
                                              "A TLS-terminating proxy is in front: cookies get `Secure`."),

      In<&C::database, &DatabaseConfig::url>(
          "database.url",
          "Empty: SQLite at `<data_dir>/shop.db`; `sqlite:<path>` or a path: SQLite; "
          "`postgresql://...`: PostgreSQL.",
          DatabaseUrl()),
      In<&C::database, &DatabaseConfig::pool_size>("database.pool_size", "Database connections kept open.",
                                                   Positive()),
      In<&C::database, &DatabaseConfig::busy_timeout_ms>(
          "database.busy_timeout_ms", "SQLite: how long a writer waits for the lock.", NonNegative()),
      In<&C::database, &DatabaseConfig::auto_migrate>("database.auto_migrate",
                                                      "`serve` applies pending migrations at start."),

      In<&C::redis, &RedisConfig::url>(
          "redis.url",
          "Empty: embedded key-value store; `redis://[[user]:password@]host[:port][/db]`: Redis.",
          RedisUrl()),
      In<&C::redis, &RedisConfig::pool_size>("redis.pool_size", "Redis connections kept open.", Positive()),
      In<&C::redis, &RedisConfig::timeout_ms>(
          "redis.timeout_ms", "Bounds connecting, each command and waiting for a free connection.",
          Positive()),
      In<&C::redis, &RedisConfig::snapshot_interval_s>(
          "redis.snapshot_interval_s",
          "With the embedded store (`redis.url` empty): how often its contents (carts, sessions) are written "
          "to `<data_dir>/kv.snapshot`, besides at shutdown; read back at start. 0 keeps them in memory only.",
          Range(0, 86'400)),

      In<&C::events, &EventsConfig::relay_enabled>("events.relay_enabled",
                                                   "Run the outbox relay in this process."),
      In<&C::events, &EventsConfig::poll_interval_ms>(
          "events.poll_interval_ms", "How often an idle relay looks for new events.", Positive()),
      In<&C::events, &EventsConfig::batch_size>("events.batch_size", "Events a relay worker claims per batch.",
                                                Positive()),
      In<&C::events, &EventsConfig::relay_workers>(
          "events.relay_workers",
          "Relay threads claiming and delivering side by side (events of one aggregate stay in order).",
          Positive()),
      In<&C::events, &EventsConfig::lease_ms>(
          "events.lease_ms", "How long a claimed batch stays with one instance.", Positive()),
      In<&C::events, &EventsConfig::max_attempts>(
          "events.max_attempts", "Delivery attempts before an event is dead-lettered.", Positive()),
      In<&C::events, &EventsConfig::backoff_base_ms>(
          "events.backoff_base_ms", "First retry delay; it doubles per attempt.", Positive()),
      In<&C::events, &EventsConfig::backoff_max_ms>("events.backoff_max_ms",
                                                    "Upper bound of the retry delay.", Positive()),
      In<&C::events, &EventsConfig::inbox_retention_days>(
          "events.inbox_retention_days",
          "How long consumers remember processed event ids (redelivery dedupe); older entries are "
          "pruned hourly. Keep it longer than any dead letter you may redrive.",
          Positive()),

      In<&C::log, &LogConfig::level>("log.level",
                                     "Lowest level logged: `trace`, `debug`, `info`, `warn`, `error`.",
                                     OneOf({"trace", "debug", "info", "warn", "error"})),
      In<&C::log, &LogConfig::format>(
          "log.format", "`json` (one object per line) or `text` (for a terminal).", OneOf({"json", "text"})),
      In<&C::log, &LogConfig::access>("log.access", "Log one line per HTTP request."),

      In<&C::web, &WebConfig::dir>(
          "web.dir", "Templates and static files; empty: `<exe dir>/../share/shopd/web`, else `./web`."),
      In<&C::web, &WebConfig::static_max_age_s>(
          "web.static_max_age_s", "`Cache-Control: max-age` of static files, in seconds.", NonNegative()),

      In<&C::identity, &IdentityConfig::argon2_memory_kib>(
          "identity.argon2_memory_kib",
          "Memory cost of argon2id password hashing in KiB (at least 19456, OWASP's minimum). Raising it "
          "re-hashes each password at its next sign-in.",
          Range(19456, 4 * 1024 * 1024)),
      In<&C::identity, &IdentityConfig::argon2_ops>(
          "identity.argon2_ops", "Passes of argon2id password hashing (at least 2).", Range(2, 64)),
      In<&C::identity, &IdentityConfig::session_idle_minutes>(
          "identity.session_idle_minutes", "A session unused for this long ends.", Positive()),
      In<&C::identity, &IdentityConfig::session_absolute_hours>(
          "identity.session_absolute_hours", "A session ends this long after sign-in, used or not.",
          Positive()),
      In<&C::identity, &IdentityConfig::reset_token_ttl_minutes>(
          "identity.reset_token_ttl_minutes", "How long a password reset link stays valid.", Positive()),
      In<&C::identity, &IdentityConfig::verification_token_ttl_hours>(
          "identity.verification_token_ttl_hours", "How long an e-mail verification link stays valid.",
          Positive()),
      In<&C::identity, &IdentityConfig::login_max_per_account>(
          "identity.login_max_per_account",
          "Failed sign-ins per account within the throttle window before further attempts get 429.",
          Positive()),
      In<&C::identity, &IdentityConfig::login_max_per_ip>(
          "identity.login_max_per_ip", "Failed sign-ins per client address within the throttle window.",
          Positive()),
      In<&C::identity, &IdentityConfig::register_max_per_ip>(
          "identity.register_max_per_ip", "Sign-ups per client address within the throttle window.",
          Positive()),
      In<&C::identity, &IdentityConfig::reset_max_per_account>(
          "identity.reset_max_per_account",
          "Password reset mails per account within the throttle window.", Positive()),
      In<&C::identity, &IdentityConfig::throttle_window_seconds>(
          "identity.throttle_window_seconds", "Length of the sign-in, sign-up and reset throttle window.",
          Positive()),
      In<&C::identity, &IdentityConfig::demo_admin_email>(
          "identity.demo_admin_email",
          "E-mail of the admin the `dev` profile creates on an empty database (password printed once).",
          NonEmpty()),

      In<&C::inventory, &InventoryConfig::low_stock_default>(
          "inventory.low_stock_default",
          "Low-stock threshold of SKUs without their own: at or below this many available units a SKU is "
          "listed as low and `inventory.low_stock.v1` is published.",
          Range(0, 1'000'000)),
      In<&C::inventory, &InventoryConfig::sweep_interval_ms>(
          "inventory.sweep_interval_ms",
          "How often each instance releases reservations past their expiry.", Range(100, 86'400'000)),
      In<&C::inventory, &InventoryConfig::sweep_batch_size>(
          "inventory.sweep_batch_size", "Expired reservations released per sweeper query.", Range(1, 10'000)),
      In<&C::inventory, &InventoryConfig::sweep_enabled>(
          "inventory.sweep_enabled", "Run the reservation expiry sweeper in `serve`."),

      In<&C::cart, &CartConfig::ttl_seconds>(
          "cart.ttl_seconds", "A cart untouched for this long is dropped (every change restarts the clock).",
          Range(60, 365 * 86'400)),
      In<&C::cart, &CartConfig::max_quantity>("cart.max_quantity", "Most units of one SKU in a cart line.",
                                              Range(1, 10'000)),
      In<&C::cart, &CartConfig::max_lines>("cart.max_lines", "Most distinct SKUs in one cart.", Range(1, 200)),
      In<&C::cart, &CartConfig::default_country>(
          "cart.default_country", "ISO 3166 alpha-2 destination of shipping and tax estimates until checkout.",
          NonEmpty()),
      In<&C::shipping, &ShippingConfig::methods>(
          "shipping.methods",
          "Shipping methods, `;`-separated, each `id|name|countries|base|per_kg|free_over`: countries a "
          "`,`-list of ISO codes or `*` for anywhere; base and per_kg (per started kilogram) in minor units; "
          "free when the subtotal reaches free_over (0: never).",
          NonEmpty()),
      In<&C::tax, &TaxConfig::rates>(
          "tax.rates", "Tax rate per destination country in basis points, `CC:bp` comma-separated (1900 = 19 %).",
          NonEmpty()),
      In<&C::tax, &TaxConfig::default_rate_bp>("tax.default_rate_bp",
                                               "Tax rate (basis points) of countries not in `tax.rates`.",
                                               Range(0, 10'000)),
      In<&C::tax, &TaxConfig::prices_include_tax>(
          "tax.prices_include_tax",
          "Catalog prices include tax (the total shows the tax it contains) or exclude it (tax is added)."),

      In<&C::orders, &OrdersConfig::reservation_ttl_seconds>(
          "orders.reservation_ttl_seconds",
          "How long checkout holds an order's stock awaiting payment; an order still unpaid then becomes "
          "EXPIRED and its stock is released.",
          Range(1, 7 * 86'400)),
      In<&C::orders, &OrdersConfig::screening_policy>(
          "orders.screening_policy",
          "The screening verdict for every authorised payment: `approve` (capture at once), `review` (hold "
          "the order ON_HOLD for staff) or `reject` (void and cancel). A fixed policy until fraud rules exist.",
          OneOf({"approve", "review", "reject"})),

      In<&C::catalog, &CatalogConfig::seed_on_empty>(
          "catalog.seed_on_empty",
          "At start, seed a deterministic demo catalog (`catalog.seed_products` products) when there are no "
          "products. On in the `dev` profile's file."),
      In<&C::catalog, &CatalogConfig::seed_products>(
          "catalog.seed_products", "Products in the demo catalog seeded at start (`shopd seed --demo` takes "
          "`--products N`).", Range(1, 1'000'000)),
      In<&C::catalog, &CatalogConfig::cache_entries>(
          "catalog.cache_entries",
          "Rendered products each instance keeps in memory for `GET /api/v1/products/{slug}` (least recently "
          "used are dropped); bounds the cache's memory.", Range(1, 1'000'000)),
      In<&C::catalog, &CatalogConfig::variant_cache_entries>(
          "catalog.variant_cache_entries",
          "SKUs each instance keeps in memory with the name, price and weight carts and checkout read (never "
          "the stock, which is read live); dropped when the product changes, 10 s at most. 0 disables it.",
          Range(0, 10'000'000)),
      In<&C::catalog, &CatalogConfig::image_max_bytes>(
          "catalog.image_max_bytes", "Largest product image upload in bytes; larger → 413.",
          Range(1024, 100 * 1024 * 1024)),

      In<&C::search, &SearchConfig::dir>(
          "search.dir",
          "Directory of this instance's product search index (generations and the `current` link); "
          "empty: `<data_dir>/search`. Each instance keeps its own."),
      In<&C::search, &SearchConfig::commit_interval_ms>(
          "search.commit_interval_ms",
          "Longest time an index change waits before searches see it; also how often the server "
          "notices a generation swapped in by `shopd reindex`.",
          Range(10, 60'000)),
      In<&C::search, &SearchConfig::catchup_interval_ms>(
          "search.catchup_interval_ms",
          "How often the index polls the catalog for products changed on other instances (whose "
          "events this instance does not receive).",
          Range(100, 3'600'000)),
      In<&C::search, &SearchConfig::catchup_overlap_ms>(
          "search.catchup_overlap_ms",
          "Each catch-up poll re-reads changes this far behind the newest one it saw, so a change "
          "committed late with an older timestamp is not missed; repeats are skipped by version.",
          Range(0, 3'600'000)),
      In<&C::search, &SearchConfig::result_cache_entries>(
          "search.result_cache_entries",
          "How many distinct queries' answers the index keeps for reuse; an answer is reused only "
          "until the index next changes, so results are never stale. 0 disables it.",
          Range(0, 1'000'000)),

      In<&C::payments, &PaymentsConfig::max_failed_attempts>(
          "payments.max_failed_attempts",
          "Declined confirmations after which a payment intent is canceled (a hard decline cancels at once).",
          Range(1, 100)),
      In<&C::payments, &PaymentsConfig::webhook_secrets>(
          "payments.webhook_secrets",
          "Comma-separated secrets that may sign provider webhooks (`Shop-Signature`); list the new and the "
          "old one while rotating. The first also signs the mock gateway's webhooks. Empty: every webhook is "
          "refused. A secret: set it with `SHOPD_PAYMENTS_WEBHOOK_SECRETS_FILE` in production."),
      In<&C::payments, &PaymentsConfig::webhook_tolerance_s>(
          "payments.webhook_tolerance_s",
          "A webhook signed further than this many seconds from now (either way) is refused as a replay.",
          Range(1, 86'400)),
      In<&C::payments, &PaymentsConfig::provider_timeout_ms>(
          "payments.provider_timeout_ms",
          "Longest wait for the payment provider's answer; later counts as unavailable (503, retry).",
          Range(1, 600'000)),
      In<&C::payments, &PaymentsConfig::breaker_failure_threshold>(
          "payments.breaker_failure_threshold",
          "Consecutive provider failures (timeouts, unavailable) that open the circuit breaker.", Range(1, 1000)),
      In<&C::payments, &PaymentsConfig::breaker_open_ms>(
          "payments.breaker_open_ms",
          "How long an open circuit answers 503 without calling the provider before one trial call.",
          Range(1, 3'600'000)),
      InTable<&C::payments, &PaymentsConfig::mock, &PaymentsMockConfig::latency_ms>(
          "payments.mock.latency_ms", "Delay the mock gateway adds to every call.", Range(0, 600'000)),
      InTable<&C::payments, &PaymentsConfig::mock, &PaymentsMockConfig::failure_rate>(
          "payments.mock.failure_rate",
          "Percent (0 to 100) of mock gateway calls that fail as unavailable, to exercise retries and the "
          "circuit breaker.",
          Range(0, 100)),
      InTable<&C::payments, &PaymentsConfig::mock, &PaymentsMockConfig::webhook_url>(
          "payments.mock.webhook_url",
          "Where the mock gateway POSTs its signed webhooks; empty: this server's own "
          "`http://127.0.0.1:<port>/api/v1/payments/webhook`."),
      InTable<&C::payments, &PaymentsConfig::mock, &PaymentsMockConfig::action_delay_ms>(
          "payments.mock.action_delay_ms",
          "A `REQUIRES_ACTION` test card (4000000000003220) is authorised by webhook this long after "
          "confirming, as if the shopper completed the bank's check.",
          Range(0, 3'600'000)),
      InTable<&C::payments, &PaymentsConfig::mock, &PaymentsMockConfig::webhook_retry_base_ms>(
          "payments.mock.webhook_retry_base_ms",
          "First retry delay of an undelivered mock webhook; it doubles per attempt.", Range(1, 3'600'000)),
      InTable<&C::payments, &PaymentsConfig::mock, &PaymentsMockConfig::webhook_retry_max_ms>(
          "payments.mock.webhook_retry_max_ms", "Upper bound of the mock webhook retry delay.",
          Range(1, 86'400'000)),
      InTable<&C::payments, &PaymentsConfig::mock, &PaymentsMockConfig::webhook_poll_ms>(
          "payments.mock.webhook_poll_ms", "How often the mock gateway's sender looks for due webhooks.",
          Range(10, 60'000)),

      In<&C::mail, &MailConfig::from>(
          "mail.from", "`From` of outgoing mail; empty: `<shop.name> <no-reply@localhost>`."),

      In<&C::debug, &DebugConfig::routes>("debug.routes",
                                          "Enable the `/debug/*` routes used by tests; refused in `prod`."),
      In<&C::debug, &DebugConfig::crash_points>(
          "debug.crash_points",
          "Comma-separated names of points where the process kills itself with SIGKILL, for the crash-safety "
          "tests (`orders.after_reservation`, `payments.after_provider_capture`, `events.after_delivery:<event type>`); "
          "refused in `prod`."),
  };
}

}  // namespace

const std::vector<KeySpec>& Schema() {
  static const std::vector<KeySpec> kSchema = BuildSchema();
  return kSchema;
}

const KeySpec* FindKey(std::string_view key) {
  for (const auto& spec : Schema()) {
    if (spec.key == key) return &spec;
  }
  return nullptr;
}

std::string EnvName(std::string_view key) {
  std::string env = "SHOPD_";
  for (char c : key) {
    env += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return env;
}

std::string_view TypeName(ValueType type) {
  switch (type) {
    case ValueType::kString:
      return "string";
    case ValueType::kInteger:
      return "integer";
    case ValueType::kBoolean:
      return "boolean";
  }
  return "string";
}

std::string ValueToToml(const Value& value) {
  if (const auto* s = std::get_if<std::string>(&value)) {
    std::string out = "\"";
    for (char c : *s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }
  if (const auto* n = std::get_if<std::int64_t>(&value)) return std::to_string(*n);
  return std::get<bool>(value) ? "true" : "false";
}

}  // namespace shop::platform::config
