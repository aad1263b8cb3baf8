#pragma once
// SQL over payments_webhook_deliveries, the mock gateway's durable outgoing
// webhook queue: enqueued in the gateway's transaction, sent by the
// WebhookSender, retried with backoff until the endpoint answers 2xx.

#include <soci/soci.h>

#include <cstdint>
#include <string>
#include <vector>

namespace shop::payments {

struct QueuedWebhook {
  std::string event_id;
  std::string payload;  ///< the exact JSON body to sign and send
  int attempts = 0;
};

class WebhookQueue {
 public:
  /// Queues `payload` for delivery from `due_ms` on. Idempotent per event id.
  static void Enqueue(soci::session& sql, const std::string& event_id, const std::string& payload,
                      std::int64_t due_ms, std::int64_t now_ms);
  /// Undelivered rows due at `now_ms`, oldest due first, at most `limit`.
  static std::vector<QueuedWebhook> Due(soci::session& sql, std::int64_t now_ms, int limit);
  static void MarkDelivered(soci::session& sql, const std::string& event_id, std::int64_t now_ms);
  /// Counts a failed attempt and schedules the next one at `next_attempt_ms`.
  static void MarkFailed(soci::session& sql, const std::string& event_id, const std::string& error,
                         std::int64_t next_attempt_ms);
  /// Rows not yet delivered (for metrics and tests).
  static std::int64_t Pending(soci::session& sql);
};

}  // namespace shop::payments
