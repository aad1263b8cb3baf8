#pragma once
// SQL over payments_refunds. A refund settles once: PENDING → SUCCEEDED |
// FAILED by a conditional UPDATE on its status.

#include <soci/soci.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shop::payments {

struct RefundRow {
  std::string id;
  std::string payment_id;
  std::int64_t amount = 0;
  std::string currency;
  std::string status;
  std::string reason;
  std::string failure;
  std::string actor;
  std::int64_t created_at_ms = 0;
};

class RefundRepository {
 public:
  static void Insert(soci::session& sql, const RefundRow& row);
  static std::optional<RefundRow> Find(soci::session& sql, const std::string& id);
  /// Oldest first.
  static std::vector<RefundRow> ForPayment(soci::session& sql, const std::string& payment_id);
  /// PENDING → `status` ("SUCCEEDED" or "FAILED"); the row after, or nullopt
  /// when it was settled already.
  static std::optional<RefundRow> Settle(soci::session& sql, const std::string& id, const std::string& status,
                                         const std::string& failure, std::int64_t now_ms);
};

}  // namespace shop::payments
