// Many callers at once on one payment (DESIGN §8 invariants): 16 captures
// take the money once; concurrent partial refunds never exceed what was
// captured; concurrent confirms authorise the card once. Real SQLite and PostgreSQL, real threads.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "intent_repository.hpp"
#include "payments_fixture.hpp"
#include "support/concurrency.hpp"

using shop::ErrorCode;
using namespace shop::payments;
using namespace shop::payments::testing;

using shop::testing::Failures;
using shop::testing::RunTogether;

namespace {

constexpr int kThreads = 16;
constexpr std::size_t kPoolSize = 16;

}  // namespace

TEST_CASE("payments: 16 concurrent captures of one intent: one provider charge, one succeeded event") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database, kPoolSize);
    PaymentIntent intent = f.Authorized(4200);
    std::atomic<int> succeeded{0};
    Failures failures;
    RunTogether(kThreads, [&](int) {
      try {
        auto r = f.service().Capture(intent.id);
        if (r && r->status == PaymentStatus::kSucceeded) {
          ++succeeded;
        } else {
          failures.Add(r ? "not succeeded" : r.error().detail);
        }
      } catch (const std::exception& e) {
        failures.Add(e.what());
      }
    });
    CHECK_MESSAGE(failures.count() == 0, failures.first());
    CHECK(succeeded == kThreads);
    CHECK(f.gateway().charges() == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_gateway_operations WHERE kind = 'capture'") == 1);
    CHECK(f.Events(kSucceededEvent, intent.id).size() == 1);
    auto after = f.service().Get(intent.id);
    CHECK(after->captured == Eur(4200));
  });
}

TEST_CASE("payments: 16 concurrent partial refunds of 700 on 5000 captured: exactly 7 succeed, the rest are refused") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database, kPoolSize);
    PaymentIntent paid = f.Captured(5000);
    std::atomic<int> ok{0}, refused{0};
    Failures failures;
    RunTogether(kThreads, [&](int i) {
      try {
        auto r = f.service().CreateRefund(paid.id, Eur(700), "partial " + std::to_string(i), "staff");
        if (r && r->status == RefundStatus::kSucceeded) {
          ++ok;
        } else if (!r && r.error().code == ErrorCode::kUnprocessable) {
          ++refused;
        } else {
          failures.Add(r ? "refund not succeeded" : r.error().detail);
        }
      } catch (const std::exception& e) {
        failures.Add(e.what());
      }
    });
    CHECK_MESSAGE(failures.count() == 0, failures.first());
    CHECK(ok == 7);
    CHECK(refused == kThreads - 7);
    auto after = f.service().Get(paid.id);
    CHECK(after->refunded == Eur(4900));
    CHECK(f.Count("SELECT COALESCE(SUM(amount), 0) FROM payments_refunds WHERE status = 'SUCCEEDED'") == 4900);
    CHECK(f.Count("SELECT refund_pending FROM payments_intents") == 0);
    CHECK(f.Events(kRefundSucceededEvent, paid.id).size() == 7);
  });
}

TEST_CASE("payments: 16 concurrent confirms of one intent: the card is authorised once, the others are refused") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    // A slow provider, so the confirms overlap while the first is in flight.
    PaymentsFixture f(database, kPoolSize, DefaultConfig(),
                      MockGatewayOptions{.latency = std::chrono::milliseconds(100)});
    PaymentIntent intent = f.NewIntent(3100);
    std::atomic<int> authorized{0}, refused{0};
    Failures failures;
    RunTogether(kThreads, [&](int) {
      try {
        auto r = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
        if (r && r->status == PaymentStatus::kAuthorized) {
          ++authorized;
        } else if (!r && r.error().code == ErrorCode::kConflict) {
          ++refused;
        } else {
          failures.Add(r ? "neither authorised nor refused" : r.error().detail);
        }
      } catch (const std::exception& e) {
        failures.Add(e.what());
      }
    });
    CHECK_MESSAGE(failures.count() == 0, failures.first());
    CHECK(authorized == 1);
    CHECK(refused == kThreads - 1);
    CHECK(f.gateway().calls() == 1);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_gateway_operations WHERE kind = 'authorize'") == 1);
    CHECK(f.Events(kAuthorizedEvent, intent.id).size() == 1);
  });
}

TEST_CASE("payments: an attempt that never finished (the process died) blocks confirms only until its lease ends") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent(1200);
    const std::int64_t until = f.clock.NowMs() + 10'000;
    f.db().InTransaction([&](shop::platform::db::Tx& tx) {
      REQUIRE(IntentRepository::BeginAttempt(tx.sql(), intent.id, "4242", "fp", f.clock.NowMs(), until));
    });
    auto blocked = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE_FALSE(blocked.has_value());
    CHECK(blocked.error().code == ErrorCode::kConflict);
    CHECK(blocked.error().detail.find("in progress") != std::string::npos);
    CHECK(f.gateway().calls() == 0);
    f.clock.Advance(std::chrono::milliseconds(10'001));
    auto paid = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE(paid.has_value());
    CHECK(paid->status == PaymentStatus::kAuthorized);
    // The outcome released the lease: nothing left in flight.
    CHECK(f.Count("SELECT COUNT(*) FROM payments_intents WHERE attempt_until_ms IS NOT NULL") == 0);
  });
}
