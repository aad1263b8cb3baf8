// Many callers at once on one payment (DESIGN §8 invariants): 16 captures
// take the money once; concurrent partial refunds never exceed what was
// captured. Real SQLite and PostgreSQL, real threads.
#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>

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
