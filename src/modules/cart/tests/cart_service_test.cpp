// The cart on the embedded store and on real Redis: lines, limits, prices
// always recomputed, shipping and tax, ownership, merging at sign-in, and
// concurrent adds that never lose a line.
#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "cart_fixture.hpp"

using namespace shop::cart;
using namespace shop::cart::testing;
using shop::ErrorCode;

TEST_CASE("lines merge by SKU and totals are recomputed from current prices on every read") {
  ForEachKv([](shop::platform::kv::KvStore& kv, shop::platform::ManualClock&) {
    CartFixture f(kv);
    f.catalog.Sell("MUG", 1250, 10);
    f.catalog.Sell("TEE", 1990, 10);
    auto cart = f.service().Create(Caller{});
    REQUIRE(cart.has_value());
    CHECK(cart->lines.empty());
    CHECK(cart->id.size() >= 40);
    REQUIRE(f.service().AddItem(cart->id, Caller{}, "MUG", 2).has_value());
    auto after = f.service().AddItem(cart->id, Caller{}, "MUG", 1);
    REQUIRE(after.has_value());
    REQUIRE(after->lines.size() == 1);
    CHECK(after->lines[0].quantity == 3);
    CHECK(after->lines[0].line_total.amount == 3750);
    REQUIRE(f.service().AddItem(cart->id, Caller{}, "TEE", 1).has_value());
    f.catalog.Sell("MUG", 1000, 10);  // the price changes after the add
    auto now = f.service().Get(cart->id, Caller{});
    REQUIRE(now.has_value());
    CHECK(now->subtotal.amount == 3 * 1000 + 1990);
    CHECK(now->lines[0].unit_price.amount == 1000);
  });
}

TEST_CASE("adding or changing a line reads the catalog and stock once, and the answer is priced from that read") {
  ForEachKv([](shop::platform::kv::KvStore& kv, shop::platform::ManualClock&) {
    CartFixture f(kv);
    f.catalog.Sell("MUG", 1250, 10);
    f.catalog.Sell("TEE", 1990, 10);
    auto cart = f.service().Create(Caller{});
    REQUIRE(cart.has_value());
    REQUIRE(f.service().AddItem(cart->id, Caller{}, "MUG", 1).has_value());
    const int before = f.catalog.lookups();
    auto added = f.service().AddItem(cart->id, Caller{}, "TEE", 2);
    REQUIRE(added.has_value());
    CHECK(f.catalog.lookups() == before + 1);
    CHECK(added->subtotal.amount == 1250 + 2 * 1990);
    auto changed = f.service().SetQuantity(cart->id, Caller{}, "MUG", 3);
    REQUIRE(changed.has_value());
    CHECK(f.catalog.lookups() == before + 2);
    CHECK(changed->subtotal.amount == 3 * 1250 + 2 * 1990);
  });
}

TEST_CASE("shipping: cheapest method first, free above the threshold, by weight, tax inclusive per country") {
  ForEachKv([](shop::platform::kv::KvStore& kv, shop::platform::ManualClock&) {
    CartFixture f(kv);
    f.catalog.Sell("LAMP", 2000, 10, 1500);
    auto cart = *f.service().Create(Caller{});
    REQUIRE(f.service().AddItem(cart.id, Caller{}, "LAMP", 1).has_value());
    auto de = f.service().Quote({cart.id, "DE", std::nullopt}, Caller{});
    REQUIRE(de.has_value());
    // parcel: 300 + 100 per started kg (1.5 kg → 2) = 500; standard 490 is cheaper.
    CHECK(de->shipping->id == "standard");
    CHECK(de->shipping->price.amount == 490);
    CHECK(de->total.amount == 2490);
    CHECK(de->tax.amount == 398);  // 2490 × 19 / 119 = 397.56 → 398
    auto express = f.service().Quote({cart.id, "DE", std::string("express")}, Caller{});
    CHECK(express->shipping->price.amount == 990);
    auto us = f.service().Quote({cart.id, "US", std::nullopt}, Caller{});
    CHECK(us->shipping->id == "parcel");
    CHECK(us->shipping->price.amount == 500);
    CHECK(us->tax.amount == 0);
    CHECK(f.service().Quote({cart.id, "US", std::string("express")}, Caller{}).error().code ==
          ErrorCode::kInvalidInput);
    CHECK(f.service().Quote({cart.id, "Germany", std::nullopt}, Caller{}).error().code == ErrorCode::kInvalidInput);

    REQUIRE(f.service().SetQuantity(cart.id, Caller{}, "LAMP", 3).has_value());
    auto free = f.service().Quote({cart.id, "DE", std::nullopt}, Caller{});
    CHECK(free->shipping->id == "standard");
    CHECK(free->shipping->price.amount == 0);  // 6000 ≥ 5000
    auto options = f.service().ShippingOptions("DE", cart.id);
    REQUIRE(options.has_value());
    CHECK(options->size() == 3);
    CHECK(options->front().price.amount == 0);
  });
}

TEST_CASE("tax added on top when prices exclude it") {
  ForEachKv([](shop::platform::kv::KvStore& kv, shop::platform::ManualClock&) {
    auto config = TestConfig();
    config.tax.prices_include_tax = false;
    CartFixture f(kv, config);
    f.catalog.Sell("BOOK", 1000, 5, 200);
    auto cart = *f.service().Create(Caller{});
    REQUIRE(f.service().AddItem(cart.id, Caller{}, "BOOK", 1).has_value());
    auto at = f.service().Quote({cart.id, "AT", std::nullopt}, Caller{});
    REQUIRE(at.has_value());
    CHECK(at->shipping->price.amount == 400);  // parcel 300 + 100 < standard 490
    CHECK(at->tax.amount == 280);              // 20 % of 1400
    CHECK(at->total.amount == 1680);
  });
}

TEST_CASE("bad quantities, unknown SKUs and limits are refused and change nothing") {
  ForEachKv([](shop::platform::kv::KvStore& kv, shop::platform::ManualClock&) {
    CartFixture f(kv);
    f.catalog.Sell("A", 100, 3);
    f.catalog.Sell("HIDDEN", 100, 3, 100, false);
    auto cart = *f.service().Create(Caller{});
    REQUIRE(f.service().AddItem(cart.id, Caller{}, "A", 1).has_value());
    CHECK(f.service().AddItem(cart.id, Caller{}, "A", 0).error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().AddItem(cart.id, Caller{}, "A", -2).error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().AddItem(cart.id, Caller{}, "A", 11).error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().AddItem(cart.id, Caller{}, "A", 3).error().code == ErrorCode::kOutOfStock);  // 1 + 3 > 3
    CHECK(f.service().AddItem(cart.id, Caller{}, "NOPE", 1).error().code == ErrorCode::kUnprocessable);
    CHECK(f.service().AddItem(cart.id, Caller{}, "HIDDEN", 1).error().code == ErrorCode::kUnprocessable);
    CHECK(f.service().AddItem(cart.id, Caller{}, "bad sku!", 1).error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().SetQuantity(cart.id, Caller{}, "A", 0).error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().SetQuantity(cart.id, Caller{}, "NOPE", 1).error().code == ErrorCode::kNotFound);
    CHECK(f.service().RemoveItem(cart.id, Caller{}, "NOPE").error().code == ErrorCode::kNotFound);
    CHECK(f.service().Get("short", Caller{}).error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().Get(std::string(43, 'x'), Caller{}).error().code == ErrorCode::kNotFound);
    auto same = f.service().Get(cart.id, Caller{});
    REQUIRE(same->lines.size() == 1);
    CHECK(same->lines[0].quantity == 1);

    for (int i = 0; i < 4; ++i) {
      f.catalog.Sell("L" + std::to_string(i), 100, 9);
      REQUIRE(f.service().AddItem(cart.id, Caller{}, "L" + std::to_string(i), 1).has_value());
    }
    f.catalog.Sell("SIXTH", 100, 9);
    CHECK(f.service().AddItem(cart.id, Caller{}, "SIXTH", 1).error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().Get(cart.id, Caller{})->lines.size() == 5);
  });
}

TEST_CASE("a customer's cart answers only to them, guest carts merge into it at sign-in") {
  ForEachKv([](shop::platform::kv::KvStore& kv, shop::platform::ManualClock&) {
    CartFixture f(kv);
    f.catalog.Sell("A", 100, 50);
    f.catalog.Sell("B", 200, 50);
    const std::string ada = NewCustomer(), bob = NewCustomer();
    auto saved = f.service().CartOfCustomer(ada);
    REQUIRE(saved.has_value());
    CHECK(f.service().CartOfCustomer(ada)->id == saved->id);  // one saved cart
    REQUIRE(f.service().AddItem(saved->id, Caller{ada}, "A", 2).has_value());
    CHECK(f.service().Get(saved->id, Caller{bob}).error().code == ErrorCode::kNotFound);
    CHECK(f.service().Get(saved->id, Caller{}).error().code == ErrorCode::kNotFound);
    CHECK(f.service().AddItem(saved->id, Caller{bob}, "A", 1).error().code == ErrorCode::kNotFound);
    CHECK(f.service().Quote({saved->id, "DE", std::nullopt}, Caller{bob}).error().code == ErrorCode::kNotFound);

    auto guest = *f.service().Create(Caller{});
    REQUIRE(f.service().AddItem(guest.id, Caller{}, "A", 9).has_value());
    REQUIRE(f.service().AddItem(guest.id, Caller{}, "B", 1).has_value());
    auto merged = f.service().BindToCustomer(guest.id, ada);
    REQUIRE(merged.has_value());
    CHECK(merged->id == saved->id);
    REQUIRE(merged->lines.size() == 2);
    CHECK(merged->lines[0].quantity == 10);  // 2 + 9, capped at the line maximum 10
    CHECK(merged->lines[1].quantity == 1);
    CHECK(f.service().Get(guest.id, Caller{}).error().code == ErrorCode::kNotFound);  // gone
    CHECK(f.service().BindToCustomer(guest.id, ada)->lines.size() == 2);             // repeat: no change
  });
}

TEST_CASE("16 threads adding to one cart at once: every unit of every line arrives") {
  ForEachKv([](shop::platform::kv::KvStore& kv, shop::platform::ManualClock&) {
    auto config = TestConfig();
    config.cart.max_quantity = 1000;
    config.cart.max_lines = 100;
    CartFixture f(kv, config);
    for (int i = 0; i < 4; ++i) f.catalog.Sell("C" + std::to_string(i), 100, 100'000);
    auto cart = *f.service().Create(Caller{});
    constexpr int kThreads = 16, kAdds = 20;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kAdds; ++i) {
          if (!f.service().AddItem(cart.id, Caller{}, "C" + std::to_string((t + i) % 4), 1)) ++failures;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(failures == 0);
    auto after = f.service().Get(cart.id, Caller{});
    REQUIRE(after->lines.size() == 4);
    std::int64_t units = 0;
    for (const auto& line : after->lines) units += line.quantity;
    CHECK(units == kThreads * kAdds);
  });
}

TEST_CASE("an untouched cart expires after cart.ttl_seconds, Clear empties it and is idempotent") {
  shop::platform::ManualClock clock;
  auto kv = shop::platform::kv::MakeEmbeddedKv(clock);
  auto config = TestConfig();
  config.cart.ttl_seconds = 3600;
  CartFixture f(*kv, config);
  f.catalog.Sell("A", 100, 5);
  auto cart = *f.service().Create(Caller{});
  REQUIRE(f.service().AddItem(cart.id, Caller{}, "A", 1).has_value());
  REQUIRE(f.service().Clear(cart.id).has_value());
  CHECK(f.service().Get(cart.id, Caller{})->lines.empty());
  CHECK(f.service().Clear(cart.id).has_value());
  clock.Advance(std::chrono::seconds(3601));
  CHECK(f.service().Get(cart.id, Caller{}).error().code == ErrorCode::kNotFound);
}

TEST_CASE("malformed shipping and tax specs are refused at start") {
  auto config = TestConfig();
  config.shipping.methods = "standard|Standard|DE|abc|0|0";
  CHECK_FALSE(ShippingRules::FromConfig(config).has_value());
  config.shipping.methods = "standard|Standard|Germany|490|0|0";
  CHECK_FALSE(ShippingRules::FromConfig(config).has_value());
  config.shipping.methods = "a|A|*|1|0|0;a|B|*|1|0|0";
  CHECK_FALSE(ShippingRules::FromConfig(config).has_value());
  config = TestConfig();
  config.tax.rates = "DE:19%";
  CHECK_FALSE(ShippingRules::FromConfig(config).has_value());
  CHECK(ShippingRules::FromConfig(TestConfig()).has_value());
}
