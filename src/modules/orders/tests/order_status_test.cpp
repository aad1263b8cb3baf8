// The state machine of DESIGN §4, edge by edge.
#include <doctest/doctest.h>

#include "order_status.hpp"

using namespace shop::orders;
using S = OrderStatus;

TEST_CASE("the lifecycle's edges are allowed and nothing else") {
  CHECK(CanTransition(S::kPendingPayment, S::kPaid));
  CHECK(CanTransition(S::kPendingPayment, S::kCancelled));
  CHECK(CanTransition(S::kPendingPayment, S::kExpired));
  CHECK(CanTransition(S::kPendingPayment, S::kOnHold));
  CHECK(CanTransition(S::kOnHold, S::kPaid));
  CHECK(CanTransition(S::kOnHold, S::kCancelled));
  CHECK(CanTransition(S::kPaid, S::kShipped));
  CHECK(CanTransition(S::kShipped, S::kDelivered));
  CHECK(CanTransition(S::kPaid, S::kPartiallyRefunded));
  CHECK(CanTransition(S::kPartiallyRefunded, S::kRefunded));

  CHECK_FALSE(CanTransition(S::kPendingPayment, S::kShipped));
  CHECK_FALSE(CanTransition(S::kPendingPayment, S::kRefunded));
  CHECK_FALSE(CanTransition(S::kPaid, S::kCancelled));
  CHECK_FALSE(CanTransition(S::kPaid, S::kPendingPayment));
  CHECK_FALSE(CanTransition(S::kDelivered, S::kShipped));
  CHECK_FALSE(CanTransition(S::kCancelled, S::kPaid));
  CHECK_FALSE(CanTransition(S::kExpired, S::kPaid));
  CHECK_FALSE(CanTransition(S::kRefunded, S::kPartiallyRefunded));
  CHECK_FALSE(CanTransition(S::kOnHold, S::kExpired));
}

TEST_CASE("cancelled, expired and refunded orders are final") {
  CHECK(IsFinal(S::kCancelled));
  CHECK(IsFinal(S::kExpired));
  CHECK(IsFinal(S::kRefunded));
  CHECK_FALSE(IsFinal(S::kPendingPayment));
  CHECK_FALSE(IsFinal(S::kDelivered));  // it can still be refunded
}

TEST_CASE("status names round-trip and unknown names are refused") {
  for (S s : {S::kPendingPayment, S::kPaid, S::kShipped, S::kDelivered, S::kCancelled, S::kExpired, S::kOnHold,
              S::kRefunded, S::kPartiallyRefunded}) {
    CHECK(ParseOrderStatus(OrderStatusName(s)) == s);
  }
  CHECK(OrderStatusName(S::kPartiallyRefunded) == "PARTIALLY_REFUNDED");
  CHECK_FALSE(ParseOrderStatus("paid").has_value());
  CHECK_FALSE(ParseOrderStatus("").has_value());
}

TEST_CASE("the sources of a status are exactly its incoming edges") {
  auto sources = SourcesOf(S::kPaid);
  CHECK(sources == std::vector<std::string>{"PENDING_PAYMENT", "ON_HOLD"});
  CHECK(SourcesOf(S::kPendingPayment).empty());
}
