// The order following its payment and reservation (reactions), shopper and
// staff changes, and refunds — on real SQLite and PostgreSQL with the real
// inventory. Each reaction is also delivered twice: redeliveries change nothing.
#include <doctest/doctest.h>

#include "orders_fixture.hpp"

using namespace shop::orders;
using namespace shop::orders::testing;
using shop::ErrorCode;
using shop::testing::ForEachBackend;
using shop::testing::TestDatabase;

namespace {

Viewer Staff() {
  Viewer v;
  v.staff = true;
  v.customer_id = "staff-1";
  return v;
}

Viewer GuestWith(const PlacedOrder& placed) {
  Viewer v;
  v.order_token = *placed.guest_token;
  return v;
}

}  // namespace

TEST_CASE("authorised → screened and captured → PAID: stock committed, cart cleared, once") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database);
    f.Stock("SKU-1", 5);
    PlacedOrder placed = f.PlaceGuestOrder("SKU-1", 2);
    const Order& o = placed.order;

    auto authorized = f.Authorized(o);
    f.service().OnPaymentAuthorized(authorized);
    f.service().OnPaymentAuthorized(authorized);  // redelivered
    CHECK(f.payments.captures == 1);
    CHECK(f.Load(o.id).status == OrderStatus::kPendingPayment);  // paid only when the capture is reported
    // The screening verdict is noted once, with the capture.
    auto timeline = f.service().Timeline(o.id, Staff());
    REQUIRE(timeline.has_value());
    int screening_notes = 0;
    for (const auto& e : *timeline) {
      if (e.note.starts_with("Screening: approve") && e.note.ends_with("; payment captured")) ++screening_notes;
    }
    CHECK(screening_notes == 1);

    f.service().OnPaymentSucceeded(f.Succeeded(o));
    const auto rows = f.TimelineRows(o.id);
    f.service().OnPaymentSucceeded(f.Succeeded(o));  // redelivered
    CHECK(f.Load(o.id).status == OrderStatus::kPaid);
    CHECK(f.TimelineRows(o.id) == rows);
    CHECK(f.Level("SKU-1").on_hand == 3);
    CHECK(f.Level("SKU-1").reserved == 0);
    CHECK(f.cart.cleared(o.cart_id) >= 1);
    CHECK(f.EventsOfType("orders.order_status_changed.v1") == 1);
  });
}

TEST_CASE("a canceled payment cancels the order and releases its stock, a decline is noted only") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database);
    f.Stock("SKU-2", 3);
    PlacedOrder placed = f.PlaceGuestOrder("SKU-2", 3);
    const Order& o = placed.order;
    f.db().InTransaction([&](shop::platform::db::Tx& tx) {
      f.service().OnPaymentFailed(tx, {o.payment_id, o.id, "card_declined", 1});
    });
    CHECK(f.Load(o.id).status == OrderStatus::kPendingPayment);
    CHECK(f.TimelineRows(o.id) == 2);
    CHECK(f.Level("SKU-2").reserved == 3);

    f.service().OnPaymentCanceled(f.Canceled(o, "too_many_attempts"));
    f.service().OnPaymentCanceled(f.Canceled(o, "too_many_attempts"));
    CHECK(f.Load(o.id).status == OrderStatus::kCancelled);
    CHECK(f.Level("SKU-2").reserved == 0);
    CHECK(f.Level("SKU-2").on_hand == 3);
  });
}

TEST_CASE("an unpaid order expires with its reservation, its intent is voided, and a late payment is refunded") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database);
    f.Stock("SKU-3", 2);
    PlacedOrder placed = f.PlaceGuestOrder("SKU-3", 1);
    const Order& o = placed.order;
    f.clock.Advance(std::chrono::seconds(f.config().orders.reservation_ttl_seconds + 1));
    CHECK(f.inventory().ReleaseExpired(f.clock.NowMs()) == 1);
    f.service().OnReservationExpired({o.id});
    f.service().OnReservationExpired({o.id});
    CHECK(f.Load(o.id).status == OrderStatus::kExpired);
    CHECK(f.payments.StatusOf(o.payment_id) == shop::payments::PaymentStatus::kCanceled);
    CHECK(f.Level("SKU-3").reserved == 0);

    // A reservation expired for an order that never got written (a crash
    // in checkout) is ignored.
    f.service().OnReservationExpired({"no-such-order"});

    // A second order whose money arrives after its reservation ran out.
    PlacedOrder late = f.PlaceGuestOrder("SKU-3", 1);
    f.payments.Authorize(late.order.payment_id);
    REQUIRE(f.payments.Capture(late.order.payment_id).has_value());
    f.clock.Advance(std::chrono::seconds(f.config().orders.reservation_ttl_seconds + 1));
    CHECK(f.inventory().ReleaseExpired(f.clock.NowMs()) == 1);
    f.service().OnPaymentSucceeded(f.Succeeded(late.order));
    f.service().OnPaymentSucceeded(f.Succeeded(late.order));
    CHECK(f.Load(late.order.id).status == OrderStatus::kExpired);
    REQUIRE(f.payments.refunds.size() == 1);
    CHECK(f.payments.refunds[0].amount.amount == late.order.total.amount);
    CHECK(f.Level("SKU-3").on_hand == 2);  // nothing was sold
  });
}

TEST_CASE("the shopper cancels before payment (stock released), after payment the cancel is refused") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database);
    f.Stock("SKU-4", 4);
    PlacedOrder first = f.PlaceGuestOrder("SKU-4", 2);
    CHECK(f.service().Cancel(first.order.id, Viewer{}, "x").error().code == ErrorCode::kNotFound);  // no token
    auto cancelled = f.service().Cancel(first.order.id, GuestWith(first), "changed my mind");
    REQUIRE(cancelled.has_value());
    CHECK(cancelled->status == OrderStatus::kCancelled);
    CHECK(f.payments.voids == 1);
    CHECK(f.Level("SKU-4").reserved == 0);
    CHECK(f.service().Cancel(first.order.id, GuestWith(first), "again").has_value());  // idempotent

    PlacedOrder second = f.PlaceGuestOrder("SKU-4", 1);
    f.service().OnPaymentAuthorized(f.Authorized(second.order));
    f.service().OnPaymentSucceeded(f.Succeeded(second.order));
    auto refused = f.service().Cancel(second.order.id, GuestWith(second), "too late");
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::kConflict);
    CHECK(f.Load(second.order.id).status == OrderStatus::kPaid);
    CHECK(f.Level("SKU-4").on_hand == 3);
  });
}

TEST_CASE("staff ship and deliver a paid order, illegal moves are refused and change nothing") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database);
    f.Stock("SKU-5", 4);
    PlacedOrder placed = f.PlaceGuestOrder("SKU-5", 1);
    const Order& o = placed.order;
    CHECK(f.service().Ship(o.id, "DHL", "123", "staff-1").error().code == ErrorCode::kConflict);
    CHECK(f.service().Deliver(o.id, "staff-1").error().code == ErrorCode::kConflict);
    CHECK(f.Load(o.id).status == OrderStatus::kPendingPayment);
    CHECK(f.service().Ship("no-such-order", "DHL", "1", "staff-1").error().code == ErrorCode::kNotFound);

    f.service().OnPaymentAuthorized(f.Authorized(o));
    f.service().OnPaymentSucceeded(f.Succeeded(o));
    auto shipped = f.service().Ship(o.id, "DHL", "JJD000123", "staff-1");
    REQUIRE(shipped.has_value());
    CHECK(shipped->status == OrderStatus::kShipped);
    CHECK(f.Load(o.id).tracking_number == "JJD000123");
    CHECK(f.service().Deliver(o.id, "staff-1")->status == OrderStatus::kDelivered);
    CHECK(f.service().Ship(o.id, "DHL", "2", "staff-1").error().code == ErrorCode::kConflict);

    auto timeline = f.service().Timeline(o.id, Staff());
    REQUIRE(timeline.has_value());
    std::vector<std::string> moves;
    for (const auto& e : *timeline) {
      if (e.to) moves.emplace_back(OrderStatusName(*e.to));
    }
    CHECK(moves == std::vector<std::string>{"PENDING_PAYMENT", "PAID", "SHIPPED", "DELIVERED"});
  });
}

TEST_CASE("refunds: partial then the rest, never more than paid, restock once") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database);
    f.Stock("SKU-6", 5);
    PlacedOrder placed = f.PlaceGuestOrder("SKU-6", 2);
    const Order& o = placed.order;
    CHECK(f.service().Refund(o.id, Eur(100), "x", false, "staff-1").error().code == ErrorCode::kConflict);
    f.service().OnPaymentAuthorized(f.Authorized(o));
    f.service().OnPaymentSucceeded(f.Succeeded(o));
    CHECK(f.Level("SKU-6").on_hand == 3);

    CHECK(f.service().Refund(o.id, Eur(0), "x", false, "staff-1").error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().Refund(o.id, Eur(o.total.amount + 1), "x", false, "staff-1").error().code ==
          ErrorCode::kUnprocessable);
    REQUIRE(f.service().Refund(o.id, Eur(500), "scratched", false, "staff-1").has_value());
    auto settle = [&](std::int64_t amount, std::int64_t total_refunded) {
      f.db().InTransaction([&](shop::platform::db::Tx& tx) {
        f.service().OnRefundSucceeded(tx, {f.payments.refunds.back().id, o.payment_id, o.id, amount, total_refunded,
                                           o.total.amount, "EUR"});
      });
    };
    settle(500, 500);
    CHECK(f.Load(o.id).status == OrderStatus::kPartiallyRefunded);
    CHECK(f.Load(o.id).refunded.amount == 500);

    const std::int64_t rest = o.total.amount - 500;
    REQUIRE(f.service().Refund(o.id, Eur(rest), "returned", true, "staff-1").has_value());
    CHECK(f.Level("SKU-6").on_hand == 5);  // the two sold units are back
    settle(rest, o.total.amount);
    CHECK(f.Load(o.id).status == OrderStatus::kRefunded);
    CHECK(f.service().Refund(o.id, Eur(1), "more", true, "staff-1").error().code == ErrorCode::kConflict);
    CHECK(f.Level("SKU-6").on_hand == 5);
  });
}

TEST_CASE("screening review holds the order, staff approval captures, rejection cancels and releases") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database, 4, ScreeningVerdict::kReview);
    f.Stock("SKU-7", 5);
    PlacedOrder a = f.PlaceGuestOrder("SKU-7", 1);
    f.service().OnPaymentAuthorized(f.Authorized(a.order));
    CHECK(f.Load(a.order.id).status == OrderStatus::kOnHold);
    CHECK(f.payments.captures == 0);
    REQUIRE(f.service().Release(a.order.id, true, "staff-1").has_value());
    CHECK(f.payments.captures == 1);
    f.service().OnPaymentSucceeded(f.Succeeded(a.order));
    CHECK(f.Load(a.order.id).status == OrderStatus::kPaid);
    CHECK(f.service().Release(a.order.id, true, "staff-1").error().code == ErrorCode::kConflict);

    PlacedOrder b = f.PlaceGuestOrder("SKU-7", 2);
    f.service().OnPaymentAuthorized(f.Authorized(b.order));
    auto rejected = f.service().Release(b.order.id, false, "staff-1");
    REQUIRE(rejected.has_value());
    CHECK(rejected->status == OrderStatus::kCancelled);
    CHECK(f.Level("SKU-7").reserved == 0);
    CHECK(f.Level("SKU-7").on_hand == 4);
  });
}

TEST_CASE("the staff list filters by status, number and customer and pages without gaps") {
  ForEachBackend([](TestDatabase& database) {
    OrdersFixture f(database);
    f.Stock("SKU-8", 100);
    std::vector<std::string> ids;
    for (int i = 0; i < 7; ++i) {
      ids.push_back(f.PlaceGuestOrder("SKU-8").order.id);
      f.clock.Advance(std::chrono::milliseconds(5));
    }
    f.service().OnPaymentAuthorized(f.Authorized(f.Load(ids[2])));
    f.service().OnPaymentSucceeded(f.Succeeded(f.Load(ids[2])));

    std::vector<std::string> seen;
    std::string cursor;
    do {
      auto page = f.service().List(OrderFilter{}, 3, cursor);
      REQUIRE(page.has_value());
      for (const auto& o : page->items) seen.push_back(o.id);
      cursor = page->next_cursor.value_or("");
    } while (!cursor.empty());
    CHECK(seen == std::vector<std::string>(ids.rbegin(), ids.rend()));

    OrderFilter paid;
    paid.status = OrderStatus::kPaid;
    auto only = f.service().List(paid, 10, "");
    REQUIRE(only->items.size() == 1);
    CHECK(only->items[0].id == ids[2]);
    OrderFilter by_number;
    by_number.number = f.Load(ids[4]).number;
    CHECK(f.service().List(by_number, 10, "")->items.at(0).id == ids[4]);
    CHECK(f.service().List(OrderFilter{}, 0, "").error().code == ErrorCode::kInvalidInput);
    CHECK(f.service().List(OrderFilter{}, 10, "garbage").error().code == ErrorCode::kInvalidInput);
  });
}
