#pragma once
// SQL for inventory_ledger: append and read, never update or delete.

#include <soci/soci.h>

#include <optional>
#include <string>
#include <vector>

#include "shop/inventory/inventory.hpp"

namespace shop::inventory {

class LedgerRepository {
 public:
  static void Insert(soci::session& sql, const Movement& movement);
  /// Up to `limit` movements of `sku`, newest first, older than `before_id` when given.
  static std::vector<Movement> List(soci::session& sql, const std::string& sku, int limit,
                                    const std::optional<std::string>& before_id);
};

}  // namespace shop::inventory
