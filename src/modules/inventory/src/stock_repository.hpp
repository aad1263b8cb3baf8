#pragma once
// SQL for inventory_stock. Every change is one conditional UPDATE ... RETURNING:
// the WHERE clause carries the rule (enough available, not below reserved),
// the returned row tells whether it held and gives the levels after it. No
// read-then-write anywhere. Functions run on the session they are given (a
// transaction's for writes); driver errors propagate as soci errors/DbError.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shop::inventory {

/// Upper bound on on_hand, far above any real stock, so no sum can overflow.
inline constexpr std::int64_t kMaxOnHand = 1'000'000'000'000;

struct StockRow {
  std::string sku;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::optional<std::int64_t> threshold;  ///< the SKU's own; nullopt → configured default
};

/// Position in a listing: the last row of a page.
struct StockCursor {
  std::int64_t available = 0;  ///< LowStock only
  std::string sku;
};

class StockRepository {
 public:
  /// Inserts the SKU with zero stock unless present; true when inserted.
  static bool InsertIfMissing(soci::session& sql, const std::string& sku, std::int64_t now_ms);
  static std::optional<StockRow> Find(soci::session& sql, const std::string& sku);
  static std::vector<StockRow> FindMany(soci::session& sql, const std::vector<std::string>& skus);
  /// on_hand += on_hand_delta, reserved += reserved_delta, only if the result
  /// keeps 0 <= reserved <= on_hand <= kMaxOnHand. The levels after, or
  /// nullopt when the SKU is missing or the rule refused the change.
  static std::optional<StockRow> Apply(soci::session& sql, const std::string& sku, std::int64_t on_hand_delta,
                                       std::int64_t reserved_delta, std::int64_t now_ms);
  static std::optional<StockRow> SetThreshold(soci::session& sql, const std::string& sku,
                                              std::optional<std::int64_t> threshold, std::int64_t now_ms);
  /// SKUs whose lower-cased code starts with `prefix_lower`, by SKU, after `after`.
  static std::vector<StockRow> Search(soci::session& sql, const std::string& prefix_lower, int limit,
                                      const std::optional<std::string>& after);
  /// SKUs with available <= COALESCE(threshold, default_threshold), fewest
  /// available first (then by SKU), after `after`.
  static std::vector<StockRow> LowStock(soci::session& sql, std::int64_t default_threshold, int limit,
                                        const std::optional<StockCursor>& after);
};

}  // namespace shop::inventory
