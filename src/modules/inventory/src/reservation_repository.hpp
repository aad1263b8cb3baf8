#pragma once
// SQL for inventory_reservations and their lines. A status change is a
// conditional UPDATE on the expected status, so two callers can never both
// move one reservation (the loser sees 0 rows and reads the winner's status).

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shop::inventory {

struct LineRow {
  std::string sku;
  std::int64_t quantity = 0;
};

class ReservationRepository {
 public:
  /// Inserts an active reservation unless one exists for the order; true when inserted.
  static bool InsertIfAbsent(soci::session& sql, const std::string& order_id, std::int64_t expires_at_ms,
                             std::int64_t now_ms);
  /// "active" | "released" | "committed" | "expired", or nullopt.
  static std::optional<std::string> Status(soci::session& sql, const std::string& order_id);
  /// from → to; true when the row was in `from` (and, when given, expired at or before `due_ms`).
  static bool Transition(soci::session& sql, const std::string& order_id, const std::string& from,
                         const std::string& to, std::int64_t now_ms, std::optional<std::int64_t> due_ms = {});
  static void InsertLine(soci::session& sql, const std::string& order_id, const LineRow& line);
  /// The order's lines by SKU (the lock order every writer uses).
  static std::vector<LineRow> Lines(soci::session& sql, const std::string& order_id);
  /// Counts `quantity` more units of the committed order's `sku` line as
  /// restocked, only while restocked stays within the units sold; true when it held.
  static bool AddRestocked(soci::session& sql, const std::string& order_id, const std::string& sku,
                           std::int64_t quantity);
  /// Orders of active reservations expired at or before `now_ms`, oldest expiry first.
  static std::vector<std::string> Due(soci::session& sql, std::int64_t now_ms, int limit);
};

}  // namespace shop::inventory
