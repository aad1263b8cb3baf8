// Payment intents on SQLite and PostgreSQL: creation per order, the test
// cards, declines and their limit, capture, cancel/void, and the events each
// state change writes in its own transaction.
#include <doctest/doctest.h>

#include "payments_fixture.hpp"

using shop::ErrorCode;
using namespace shop::payments;
using namespace shop::payments::testing;

TEST_CASE("payments: an intent is created once per order, for one amount") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent first = f.NewIntent(1999, "order-1");
    CHECK(first.id.rfind("pi_", 0) == 0);
    CHECK(first.status == PaymentStatus::kRequiresPaymentMethod);
    CHECK(first.amount == Eur(1999));
    CHECK(first.client_secret.rfind(first.id + "_secret_", 0) == 0);
    PaymentIntent again = f.NewIntent(1999, "order-1");
    CHECK(again.id == first.id);
    auto other = f.db().InTransaction(
        [&](shop::platform::db::Tx& tx) { return f.service().CreateIntent(tx, "order-1", Eur(2000)); });
    REQUIRE_FALSE(other.has_value());
    CHECK(other.error().code == ErrorCode::kConflict);
    auto zero = f.db().InTransaction(
        [&](shop::platform::db::Tx& tx) { return f.service().CreateIntent(tx, "order-2", Eur(0)); });
    REQUIRE_FALSE(zero.has_value());
    CHECK(zero.error().code == ErrorCode::kInvalidInput);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_intents") == 1);
    CHECK(f.service().GetByOrder("order-1")->id == first.id);
    CHECK(f.service().Get("pi_missing").error().code == ErrorCode::kNotFound);
  });
}

TEST_CASE("payments: an intent created in a transaction that rolls back does not exist") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    CHECK_THROWS(f.db().InTransaction([&](shop::platform::db::Tx& tx) {
      REQUIRE(f.service().CreateIntent(tx, "order-rb", Eur(100)).has_value());
      throw std::runtime_error("order insert failed");
    }));
    CHECK(f.service().GetByOrder("order-rb").error().code == ErrorCode::kNotFound);
  });
}

TEST_CASE("payments: 4242 authorises: AUTHORIZED, one payment_authorized event, card last4 and fingerprint kept") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent(5000);
    auto confirmed = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE(confirmed.has_value());
    CHECK(confirmed->status == PaymentStatus::kAuthorized);
    CHECK(confirmed->card_last4 == "4242");
    CHECK(confirmed->card_fingerprint.size() == 32);
    auto events = f.Events(kAuthorizedEvent, intent.id);
    REQUIRE(events.size() == 1);
    CHECK(events[0].at("amount").as_int64() == 5000);
    CHECK(events[0].at("order_id").as_string() == intent.order_id);
    CHECK(events[0].at("card_last4").as_string() == "4242");
    // The gateway queued the same outcome as a webhook.
    auto queued = f.Queued(intent.id);
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].payload.find("payment_intent.authorized") != std::string::npos);
    // Confirming again is refused; the state stays.
    auto again = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().code == ErrorCode::kConflict);
    CHECK(f.Events(kAuthorizedEvent, intent.id).size() == 1);
  });
}

TEST_CASE("payments: a wrong client secret is answered like a missing payment and changes nothing") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent();
    auto wrong = f.service().Confirm(intent.id, intent.client_secret + "x", Card(kCardSucceeds));
    REQUIRE_FALSE(wrong.has_value());
    CHECK(wrong.error().code == ErrorCode::kNotFound);
    CHECK(f.service().Get(intent.id)->status == PaymentStatus::kRequiresPaymentMethod);
    CHECK(f.gateway().calls() == 0);
  });
}

TEST_CASE("payments: declined cards leave the intent payable, the third decline cancels it") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent();
    auto first = f.service().Confirm(intent.id, intent.client_secret, Card(kCardDeclined));
    REQUIRE(first.has_value());
    CHECK(first->status == PaymentStatus::kRequiresPaymentMethod);
    CHECK(first->last_error == "card_declined");
    CHECK(first->failed_attempts == 1);
    auto second = f.service().Confirm(intent.id, intent.client_secret, Card(kCardInsufficientFunds));
    REQUIRE(second.has_value());
    CHECK(second->last_error == "insufficient_funds");
    CHECK(second->failed_attempts == 2);
    CHECK(f.Events(kCanceledEvent, intent.id).empty());
    auto third = f.service().Confirm(intent.id, intent.client_secret, Card(kCardDeclined));
    REQUIRE(third.has_value());
    CHECK(third->status == PaymentStatus::kCanceled);
    auto failed = f.Events(kFailedEvent, intent.id);
    REQUIRE(failed.size() == 3);
    CHECK(failed[1].at("decline_code").as_string() == "insufficient_funds");
    auto canceled = f.Events(kCanceledEvent, intent.id);
    REQUIRE(canceled.size() == 1);
    CHECK(canceled[0].at("reason").as_string() == "too_many_attempts");
  });
}

TEST_CASE("payments: a decline then the good card authorises") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent();
    REQUIRE(f.service().Confirm(intent.id, intent.client_secret, Card(kCardDeclined)).has_value());
    auto ok = f.service().Confirm(intent.id, intent.client_secret, Card(kCardSucceeds));
    REQUIRE(ok.has_value());
    CHECK(ok->status == PaymentStatus::kAuthorized);
    CHECK(ok->failed_attempts == 1);
  });
}

TEST_CASE("payments: 3220 requires action, the gateway's later webhook authorises it") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.NewIntent();
    auto confirmed = f.service().Confirm(intent.id, intent.client_secret, Card(kCardRequiresAction));
    REQUIRE(confirmed.has_value());
    CHECK(confirmed->status == PaymentStatus::kRequiresAction);
    CHECK(f.Events(kAuthorizedEvent, intent.id).empty());
    auto queued = f.Queued(intent.id);
    REQUIRE(queued.size() == 2);
    for (const QueuedRow& row : queued) {
      auto receipt = f.Deliver(row.payload);
      REQUIRE(receipt.has_value());
    }
    CHECK(f.service().Get(intent.id)->status == PaymentStatus::kAuthorized);
    CHECK(f.Events(kAuthorizedEvent, intent.id).size() == 1);
  });
}

TEST_CASE("payments: capture takes the money once, capture before authorisation is a conflict") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent fresh = f.NewIntent();
    auto early = f.service().Capture(fresh.id);
    REQUIRE_FALSE(early.has_value());
    CHECK(early.error().code == ErrorCode::kConflict);
    CHECK(f.gateway().charges() == 0);

    PaymentIntent intent = f.Authorized(7000);
    auto captured = f.service().Capture(intent.id);
    REQUIRE(captured.has_value());
    CHECK(captured->status == PaymentStatus::kSucceeded);
    CHECK(captured->captured == Eur(7000));
    auto again = f.service().Capture(intent.id);
    REQUIRE(again.has_value());
    CHECK(again->status == PaymentStatus::kSucceeded);
    CHECK(f.gateway().charges() == 1);
    auto events = f.Events(kSucceededEvent, intent.id);
    REQUIRE(events.size() == 1);
    CHECK(events[0].at("amount").as_int64() == 7000);
  });
}

TEST_CASE("payments: the caller's record of a capture commits in the capture's transaction, once") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    f.db().InTransaction([](shop::platform::db::Tx& tx) { tx.sql() << "CREATE TABLE payments_test_capture_notes (id TEXT)"; });
    auto note = [&](const std::string& id) {
      return [id](shop::platform::db::Tx& tx) {
        tx.sql() << "INSERT INTO payments_test_capture_notes (id) VALUES (:id)", soci::use(id);
      };
    };
    PaymentIntent fresh = f.NewIntent();
    CHECK(f.service().Capture(fresh.id, note(fresh.id)).error().code == ErrorCode::kConflict);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_test_capture_notes") == 0);

    PaymentIntent intent = f.Authorized();
    REQUIRE(f.service().Capture(intent.id, note(intent.id)).has_value());
    REQUIRE(f.service().Capture(intent.id, note(intent.id)).has_value());  // captured already: noted nothing
    CHECK(f.Count("SELECT COUNT(*) FROM payments_test_capture_notes") == 1);

    // A failing record rolls the capture's record back with it; the provider
    // keeps the charge, and the retry (same provider key) records both.
    PaymentIntent second = f.Authorized();
    CHECK_THROWS(f.service().Capture(second.id, [](shop::platform::db::Tx&) { throw std::runtime_error("x"); }));
    CHECK(f.service().Get(second.id)->status == PaymentStatus::kAuthorized);
    REQUIRE(f.service().Capture(second.id, note(second.id)).has_value());
    CHECK(f.service().Get(second.id)->status == PaymentStatus::kSucceeded);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_test_capture_notes") == 2);
    CHECK(f.gateway().charges() == 2);
  });
}

TEST_CASE("payments: cancel voids an authorisation, a succeeded payment cannot be canceled") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent intent = f.Authorized();
    auto canceled = f.service().Cancel(intent.id, "fraud_rejected");
    REQUIRE(canceled.has_value());
    CHECK(canceled->status == PaymentStatus::kCanceled);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_gateway_operations WHERE kind = 'void'") == 1);
    CHECK(f.service().Cancel(intent.id, "again")->status == PaymentStatus::kCanceled);
    CHECK(f.Events(kCanceledEvent, intent.id).size() == 1);
    auto no_capture = f.service().Capture(intent.id);
    REQUIRE_FALSE(no_capture.has_value());
    CHECK(no_capture.error().code == ErrorCode::kConflict);

    PaymentIntent paid = f.Captured();
    auto refused = f.service().Cancel(paid.id, "too late");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::kConflict);
    CHECK(f.service().Get(paid.id)->status == PaymentStatus::kSucceeded);
    auto no_reason = f.service().Cancel(f.NewIntent().id, "");
    REQUIRE_FALSE(no_reason.has_value());
    CHECK(no_reason.error().code == ErrorCode::kInvalidInput);
  });
}

TEST_CASE("payments: refunds: partial, then the rest, never beyond the captured amount") {
  shop::testing::ForEachBackend([](shop::testing::TestDatabase& database) {
    PaymentsFixture f(database);
    PaymentIntent paid = f.Captured(5000);
    auto part = f.service().CreateRefund(paid.id, Eur(2000), "damaged", "staff-1");
    REQUIRE(part.has_value());
    CHECK(part->status == RefundStatus::kSucceeded);
    CHECK(part->amount == Eur(2000));
    CHECK(part->actor == "staff-1");
    auto too_much = f.service().CreateRefund(paid.id, Eur(3001), "", "staff-1");
    REQUIRE_FALSE(too_much.has_value());
    CHECK(too_much.error().code == ErrorCode::kUnprocessable);
    auto rest = f.service().CreateRefund(paid.id, Eur(3000), "", "staff-1");
    REQUIRE(rest.has_value());
    auto after = f.service().Get(paid.id);
    CHECK(after->refunded == Eur(5000));
    CHECK(f.service().Refunds(paid.id).size() == 2);
    auto events = f.Events(kRefundSucceededEvent, paid.id);
    REQUIRE(events.size() == 2);
    CHECK(events[1].at("total_refunded").as_int64() == 5000);
    CHECK(events[1].at("captured").as_int64() == 5000);
    auto one_more = f.service().CreateRefund(paid.id, Eur(1), "", "staff-1");
    REQUIRE_FALSE(one_more.has_value());
    CHECK(one_more.error().code == ErrorCode::kUnprocessable);

    auto wrong_currency = f.service().CreateRefund(
        paid.id, shop::platform::money::Money{10, shop::platform::money::Currency::FromCode("USD").value()}, "", "s");
    REQUIRE_FALSE(wrong_currency.has_value());
    CHECK(wrong_currency.error().code == ErrorCode::kInvalidInput);
    auto negative = f.service().CreateRefund(paid.id, Eur(-5), "", "s");
    REQUIRE_FALSE(negative.has_value());
    CHECK(negative.error().code == ErrorCode::kInvalidInput);
    PaymentIntent unpaid = f.Authorized();
    auto not_captured = f.service().CreateRefund(unpaid.id, Eur(10), "", "s");
    REQUIRE_FALSE(not_captured.has_value());
    CHECK(not_captured.error().code == ErrorCode::kConflict);
    CHECK(f.Count("SELECT COUNT(*) FROM payments_refunds") == 2);
  });
}
