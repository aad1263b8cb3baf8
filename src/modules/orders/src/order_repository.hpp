#pragma once
// SQL for orders_orders, orders_lines, orders_timeline and orders_counters.
// Every function runs on the session it is given: inside a transaction for
// writes, on a pooled session for reads.

#include "shop/orders/orders.hpp"

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shop::orders {

/// An order as stored, with what the API never shows.
struct StoredOrder {
  Order order;
  std::string guest_token_hash;  ///< "" for customers' orders
};

/// Keyset position in a newest-first list.
struct ListPosition {
  std::int64_t created_at_ms = 0;
  std::string id;
};

class OrderRepository {
 public:
  /// The next human order number. Inside a transaction the counter row
  /// stays locked until it ends; on a session in autocommit mode only for
  /// the statement (the number is then used even if the order is not).
  static std::int64_t NextNumber(soci::session& sql);

  /// Inserts the order and its lines.
  static void Insert(soci::session& sql, const StoredOrder& stored);

  static void AddTimeline(soci::session& sql, const std::string& order_id, const TimelineEntry& entry);

  /// The order with its lines; nullopt when there is none. `currency` is the
  /// shop's (every order is in it).
  static std::optional<StoredOrder> Find(soci::session& sql, const std::string& id,
                                         const platform::money::Currency& currency);

  /// Moves the order to `to` if its status is one of `from` (one
  /// conditional UPDATE); false when it was in none of them.
  static bool Transition(soci::session& sql, const std::string& id, const std::vector<std::string>& from,
                         OrderStatus to, std::int64_t now_ms);

  /// Records the refunded total (never above the order's total: CHECK).
  static void SetRefunded(soci::session& sql, const std::string& id, std::int64_t refunded, std::int64_t now_ms);
  static void SetShipment(soci::session& sql, const std::string& id, const std::string& carrier,
                          const std::string& tracking_number, std::int64_t now_ms);

  static std::vector<TimelineEntry> Timeline(soci::session& sql, const std::string& order_id);

  /// Orders matching `filter`, newest first, after `after`; at most `limit`
  /// (lines not loaded).
  static std::vector<Order> List(soci::session& sql, const OrderFilter& filter, const std::optional<ListPosition>& after,
                                 int limit, const platform::money::Currency& currency);
};

}  // namespace shop::orders
