#pragma once
// A real cart service on the embedded store and on a real Redis server, with
// the catalog and stock behind a fake CartCatalog (pricing tests need exact
// prices and stock; the real services are exercised end to end in tests/e2e).

#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "cart_service.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/ids/ids.hpp"
#include "platform/kv/kv.hpp"

namespace shop::cart::testing {

class FakeCartCatalog final : public CartCatalog {
 public:
  void Sell(const std::string& sku, std::int64_t price, std::int64_t available, std::int64_t weight_grams = 500,
            bool published = true) {
    std::lock_guard lock(mutex_);
    catalog::SellableVariant v;
    v.sku = sku;
    v.product_slug = "product-" + sku;
    v.product_name = "Product " + sku;
    v.options = {{"size", "M"}};
    v.price = platform::money::Money{price, *platform::money::Currency::FromCode("EUR")};
    v.weight_grams = weight_grams;
    v.published = published;
    skus_[sku] = SkuFacts{v, available};
  }
  std::map<std::string, SkuFacts, std::less<>> Lookup(const std::vector<std::string>& skus) override {
    std::lock_guard lock(mutex_);
    ++lookups_;
    std::map<std::string, SkuFacts, std::less<>> out;
    for (const std::string& sku : skus) {
      if (auto it = skus_.find(sku); it != skus_.end()) out.emplace(sku, it->second);
    }
    return out;
  }
  /// Lookup calls so far (each is two queries for the real services).
  int lookups() {
    std::lock_guard lock(mutex_);
    return lookups_;
  }

 private:
  std::mutex mutex_;
  int lookups_ = 0;
  std::map<std::string, SkuFacts> skus_;
};

inline platform::config::Config TestConfig() {
  platform::config::Config c;
  c.shop.currency = "EUR";
  c.cart.max_quantity = 10;
  c.cart.max_lines = 5;
  c.shipping.methods = "standard|Standard|DE,AT|490|0|5000;express|Express|DE|990|0|0;parcel|Parcel|*|300|100|0";
  c.tax.rates = "DE:1900,AT:2000";
  c.tax.default_rate_bp = 0;
  c.tax.prices_include_tax = true;
  return c;
}

class CartFixture {
 public:
  platform::ManualClock clock;

  CartFixture(platform::kv::KvStore& kv, platform::config::Config config = TestConfig())
      : config_(std::move(config)),
        ids_(clock),
        rules_(*ShippingRules::FromConfig(config_)),
        store_(kv, std::chrono::seconds(config_.cart.ttl_seconds)),
        service_(CartServiceDeps{store_, catalog, rules_, config_, clock, ids_}) {}

  FakeCartCatalog catalog;
  CartServiceImpl& service() { return service_; }
  CartStore& store() { return store_; }

 private:
  platform::config::Config config_;
  platform::RandomIdGenerator ids_;
  ShippingRules rules_;
  CartStore store_;
  CartServiceImpl service_;
};

/// A unique customer id per test run (a shared Redis keeps other runs' keys).
inline std::string NewCustomer() {
  static std::mt19937_64 random{std::random_device{}()};
  return "customer-" + std::to_string(random());
}

/// Runs `body` on the embedded store, then on Redis (skipped without
/// SHOPD_TEST_REDIS_URL unless servers are required).
inline void ForEachKv(const std::function<void(platform::kv::KvStore&, platform::ManualClock&)>& body) {
  {
    platform::ManualClock clock;
    auto kv = platform::kv::MakeEmbeddedKv(clock);
    INFO("embedded key-value store");
    body(*kv, clock);
  }
  const char* url = std::getenv("SHOPD_TEST_REDIS_URL");
  if (url == nullptr || *url == '\0') {
    const char* required = std::getenv("SHOPD_TEST_REQUIRE_SERVERS");
    if (required != nullptr && std::string(required) == "1") FAIL("SHOPD_TEST_REDIS_URL is not set");
    MESSAGE("Redis half skipped: set SHOPD_TEST_REDIS_URL");
    return;
  }
  platform::ManualClock clock;
  auto kv = platform::kv::MakeRedisKv(url, 16, std::chrono::milliseconds(2000));
  INFO("Redis");
  body(*kv, clock);
}

}  // namespace shop::cart::testing
