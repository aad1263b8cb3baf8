#pragma once
/// Events the inventory module publishes through the outbox (DESIGN §3), in
/// the same transaction as the movement. Aggregate "stock_item", id = SKU;
/// except reservation_expired, aggregate "reservation", id = order id.
/// Payloads are flat JSON objects of the fields below.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shop::inventory::events {

namespace detail {
inline std::string Str(const boost::json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}
inline std::int64_t Int(const boost::json::object& o, std::string_view key) {
  return o.at(key).to_number<std::int64_t>();
}
}  // namespace detail

/// Levels after any movement of one SKU.
struct StockChanged {
  static constexpr std::string_view kType = "inventory.stock_changed.v1";
  static constexpr std::string_view kAggregateType = "stock_item";
  std::string sku;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available = 0;
  std::string movement;  ///< MovementKindName
  boost::json::value ToJson() const {
    return {{"sku", sku}, {"on_hand", on_hand}, {"reserved", reserved}, {"available", available},
            {"movement", movement}};
  }
  static StockChanged FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {detail::Str(o, "sku"), detail::Int(o, "on_hand"), detail::Int(o, "reserved"),
            detail::Int(o, "available"), detail::Str(o, "movement")};
  }
};

/// available fell to or below the threshold (from above it), still > 0.
struct LowStock {
  static constexpr std::string_view kType = "inventory.low_stock.v1";
  static constexpr std::string_view kAggregateType = "stock_item";
  std::string sku;
  std::int64_t available = 0;
  std::int64_t threshold = 0;
  boost::json::value ToJson() const { return {{"sku", sku}, {"available", available}, {"threshold", threshold}}; }
  static LowStock FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {detail::Str(o, "sku"), detail::Int(o, "available"), detail::Int(o, "threshold")};
  }
};

/// available reached 0 (from above).
struct OutOfStock {
  static constexpr std::string_view kType = "inventory.out_of_stock.v1";
  static constexpr std::string_view kAggregateType = "stock_item";
  std::string sku;
  boost::json::value ToJson() const { return {{"sku", sku}}; }
  static OutOfStock FromJson(const boost::json::value& v) { return {detail::Str(v.as_object(), "sku")}; }
};

/// available rose above 0 (from 0).
struct BackInStock {
  static constexpr std::string_view kType = "inventory.back_in_stock.v1";
  static constexpr std::string_view kAggregateType = "stock_item";
  std::string sku;
  std::int64_t available = 0;
  boost::json::value ToJson() const { return {{"sku", sku}, {"available", available}}; }
  static BackInStock FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {detail::Str(o, "sku"), detail::Int(o, "available")};
  }
};

/// An order's reservation passed its expiry and was released by the sweeper.
struct ReservationExpired {
  static constexpr std::string_view kType = "inventory.reservation_expired.v1";
  static constexpr std::string_view kAggregateType = "reservation";
  std::string order_id;
  boost::json::value ToJson() const { return {{"order_id", order_id}}; }
  static ReservationExpired FromJson(const boost::json::value& v) {
    return {detail::Str(v.as_object(), "order_id")};
  }
};

}  // namespace shop::inventory::events
