// The provider webhook: signature checks (missing, forged, stale, future,
// rotated secrets) refuse without a change; events are applied once per id;
// out-of-order deliveries converge forward-only.
#include <doctest/doctest.h>

#include "payments_fixture.hpp"
#include "provider_event.hpp"

using shop::ErrorCode;
using namespace shop::payments;
using namespace shop::payments::testing;

namespace {

std::string EventBody(const std::string& id, ProviderEventType type, const std::string& payment_id,
                      std::int64_t created, std::string attempt_key = {}) {
  ProviderEvent e;
  e.id = id;
  e.type = type;
  e.created_s = created;
  e.payment_id = payment_id;
  e.attempt_key = std::move(attempt_key);
  if (type == ProviderEventType::kPaymentFailed) e.decline_code = "card_declined";
  return SerializeProviderEvent(e);
}

}  // namespace

TEST_CASE("payments: webhook signatures: missing, forged, stale, future and garbage are refused and change nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.Authorized();
    const std::int64_t now = f.clock.NowMs() / 1000;
    const std::string body = EventBody("evt_1", ProviderEventType::kSucceeded, intent.id, now);
    const std::vector<std::string> secrets{kSecret};
    auto& s = f.service();
    using shop::platform::crypto::SignPayload;

    auto missing = ReceiveWebhook(s, "", body, secrets, now, 300);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code == ErrorCode::kInvalidInput);
    auto forged = ReceiveWebhook(s, SignPayload("other-secret", now, body), body, secrets, now, 300);
    REQUIRE_FALSE(forged.has_value());
    CHECK(forged.error().detail == "no signature matches");
    auto tampered = ReceiveWebhook(s, SignPayload(kSecret, now, body), body + " ", secrets, now, 300);
    REQUIRE_FALSE(tampered.has_value());
    auto stale = ReceiveWebhook(s, SignPayload(kSecret, now - 301, body), body, secrets, now, 300);
    REQUIRE_FALSE(stale.has_value());
    CHECK(stale.error().detail == "signature timestamp too old");
    auto future = ReceiveWebhook(s, SignPayload(kSecret, now + 301, body), body, secrets, now, 300);
    REQUIRE_FALSE(future.has_value());
    auto garbage = ReceiveWebhook(s, "t=abc,v1=zz", body, secrets, now, 300);
    REQUIRE_FALSE(garbage.has_value());
    CHECK(s.Get(intent.id)->status == PaymentStatus::kAuthorized);
    CHECK(f.Count("SELECT COUNT(*) FROM events_inbox") == 0);

    // Within the tolerance, and signed with the old secret during a rotation.
    auto rotated = ReceiveWebhook(s, SignPayload("old-secret", now - 299, body), body, {kSecret, "old-secret"}, now,
                                  300);
    REQUIRE(rotated.has_value());
    CHECK(rotated->applied);
    CHECK(s.Get(intent.id)->status == PaymentStatus::kSucceeded);
  });
}

TEST_CASE("payments: a signed body that is not a valid event is refused") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    for (const char* body : {"not json", "[]", R"({"id":"e","type":"nope","created":1,"data":{"payment_id":"pi_x"}})",
                             R"({"id":"e","type":"payment_intent.succeeded","created":1})",
                             R"({"id":"e","id":"f","type":"payment_intent.succeeded","created":1,"data":{"payment_id":"p"}})",
                             R"({"id":"e","type":"payment_intent.authorized","created":1,"data":{"payment_id":"p"}})"}) {
      CAPTURE(body);
      auto r = f.Deliver(body);
      REQUIRE_FALSE(r.has_value());
      CHECK(r.error().code == ErrorCode::kInvalidInput);
    }
    CHECK(f.Count("SELECT COUNT(*) FROM events_inbox") == 0);
  });
}

TEST_CASE("payments: a redelivered webhook changes nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.Captured(3000);
    auto refund = f.service().CreateRefund(intent.id, Eur(1000), "", "s");
    REQUIRE(refund.has_value());
    auto queued = f.Queued(intent.id);
    REQUIRE(queued.size() == 3);  // authorized, succeeded, refund.succeeded
    for (int round = 0; round < 2; ++round) {
      for (const QueuedRow& row : queued) {
        auto r = f.Deliver(row.payload);
        REQUIRE(r.has_value());
        // The synchronous answers were applied first: the webhooks add nothing.
        CHECK_FALSE(r->applied);
      }
    }
    CHECK(f.service().Get(intent.id)->refunded == Eur(1000));
    CHECK(f.Events(kRefundSucceededEvent, intent.id).size() == 1);
    CHECK(f.Events(kSucceededEvent, intent.id).size() == 1);
    // Told apart by a read: nothing was written for them, not even the inbox.
    CHECK(f.Count("SELECT COUNT(*) FROM events_inbox WHERE consumer = 'payments.webhook'") == 0);
  });
}

TEST_CASE("payments: out of order: succeeded before authorized ends SUCCEEDED, a late decline cannot pull it back") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent(2500);
    const std::int64_t now = f.clock.NowMs() / 1000;
    auto succeeded = f.Deliver(EventBody("evt_s", ProviderEventType::kSucceeded, intent.id, now));
    REQUIRE(succeeded.has_value());
    CHECK(succeeded->applied);
    auto authorized =
        f.Deliver(EventBody("evt_a", ProviderEventType::kAuthorized, intent.id, now - 1, "authorize:x:1"));
    REQUIRE(authorized.has_value());
    CHECK_FALSE(authorized->applied);
    auto declined =
        f.Deliver(EventBody("evt_d", ProviderEventType::kPaymentFailed, intent.id, now - 2, "authorize:x:2"));
    REQUIRE(declined.has_value());
    CHECK_FALSE(declined->applied);
    auto canceled = f.Deliver(EventBody("evt_c", ProviderEventType::kCanceled, intent.id, now));
    REQUIRE(canceled.has_value());
    CHECK_FALSE(canceled->applied);
    auto after = f.service().Get(intent.id);
    CHECK(after->status == PaymentStatus::kSucceeded);
    CHECK(after->captured == Eur(2500));
    CHECK(f.Events(kSucceededEvent, intent.id).size() == 1);
    CHECK(f.Events(kCanceledEvent, intent.id).empty());
    CHECK(f.Events(kFailedEvent, intent.id).empty());
  });
}

TEST_CASE("payments: in order through webhooks only: authorized then succeeded") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent(900);
    const std::int64_t now = f.clock.NowMs() / 1000;
    REQUIRE(f.Deliver(EventBody("evt_1", ProviderEventType::kAuthorized, intent.id, now, "authorize:y:1"))->applied);
    CHECK(f.service().Get(intent.id)->status == PaymentStatus::kAuthorized);
    REQUIRE(f.Deliver(EventBody("evt_2", ProviderEventType::kSucceeded, intent.id, now))->applied);
    CHECK(f.service().Get(intent.id)->status == PaymentStatus::kSucceeded);
    CHECK(f.Events(kAuthorizedEvent, intent.id).size() == 1);
    CHECK(f.Events(kSucceededEvent, intent.id).size() == 1);
    // An event for an intent this shop does not know is accepted (so the
    // provider stops retrying) and changes nothing.
    auto unknown = f.Deliver(EventBody("evt_3", ProviderEventType::kSucceeded, "pi_unknown", now));
    REQUIRE(unknown.has_value());
    CHECK_FALSE(unknown->applied);
  });
}
