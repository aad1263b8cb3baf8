#pragma once
/// Events the orders module publishes through the outbox (DESIGN §3), in the
/// transaction that makes the change. Aggregate "order", id = the order id,
/// so one order's events are delivered in order. Amounts are minor units.

#include "platform/events/payload.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shop::orders::events {

/// Checkout committed an order (PENDING_PAYMENT) and its payment intent.
struct OrderPlaced {
  static constexpr std::string_view kType = "orders.order_placed.v1";
  static constexpr std::string_view kAggregateType = "order";
  std::string order_id;
  std::int64_t number = 0;
  std::string customer_id;  ///< "" for a guest
  std::string email;
  std::int64_t total = 0;
  std::string currency;
  std::string payment_id;
  boost::json::value ToJson() const {
    return {{"order_id", order_id}, {"number", number},   {"customer_id", customer_id}, {"email", email},
            {"total", total},       {"currency", currency}, {"payment_id", payment_id}};
  }
  static OrderPlaced FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadInt;
    using platform::events::PayloadString;
    return {PayloadString(o, "order_id"), PayloadInt(o, "number"),        PayloadString(o, "customer_id"),
            PayloadString(o, "email"),    PayloadInt(o, "total"),         PayloadString(o, "currency"),
            PayloadString(o, "payment_id")};
  }
};

/// The order moved from one status to another (names as in §5: "PAID", ...).
/// Notifications and shipping react to `to`.
struct OrderStatusChanged {
  static constexpr std::string_view kType = "orders.order_status_changed.v1";
  static constexpr std::string_view kAggregateType = "order";
  std::string order_id;
  std::int64_t number = 0;
  std::string from;
  std::string to;
  std::string note;  ///< why, as written to the timeline
  std::string email;
  boost::json::value ToJson() const {
    return {{"order_id", order_id}, {"number", number}, {"from", from},
            {"to", to},             {"note", note},     {"email", email}};
  }
  static OrderStatusChanged FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    using platform::events::PayloadInt;
    using platform::events::PayloadString;
    return {PayloadString(o, "order_id"), PayloadInt(o, "number"), PayloadString(o, "from"),
            PayloadString(o, "to"),       PayloadString(o, "note"),  PayloadString(o, "email")};
  }
};

}  // namespace shop::orders::events
