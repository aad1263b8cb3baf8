#include "webhook_queue.hpp"

#include "platform/db/prepared.hpp"

namespace shop::payments {
namespace {

using platform::db::Exec;
using platform::db::Prepared;

constexpr const char* kEnqueue =
    "INSERT INTO payments_webhook_deliveries (event_id, payload, attempts, next_attempt_at_ms, created_at_ms)"
    " VALUES (:id, :payload, 0, :due, :now) ON CONFLICT (event_id) DO NOTHING";
constexpr const char* kDue =
    "SELECT event_id, payload, attempts FROM payments_webhook_deliveries"
    " WHERE delivered_at_ms IS NULL AND next_attempt_at_ms <= :now ORDER BY next_attempt_at_ms, event_id"
    " LIMIT :limit";
constexpr const char* kDelivered =
    "UPDATE payments_webhook_deliveries SET delivered_at_ms = :now, attempts = attempts + 1, last_error = ''"
    " WHERE event_id = :id";
constexpr const char* kFailed =
    "UPDATE payments_webhook_deliveries SET attempts = attempts + 1, last_error = :err,"
    " next_attempt_at_ms = :next WHERE event_id = :id AND delivered_at_ms IS NULL";
constexpr const char* kPending = "SELECT COUNT(*) FROM payments_webhook_deliveries WHERE delivered_at_ms IS NULL";

}  // namespace

void WebhookQueue::Enqueue(soci::session& sql, const std::string& event_id, const std::string& payload,
                           std::int64_t due_ms, std::int64_t now_ms) {
  const long long due = due_ms, now = now_ms;
  Exec(sql, kEnqueue, soci::use(event_id), soci::use(payload), soci::use(due), soci::use(now));
}

std::vector<QueuedWebhook> WebhookQueue::Due(soci::session& sql, std::int64_t now_ms, int limit) {
  const long long now = now_ms;
  QueuedWebhook row;
  Prepared st(sql, kDue, soci::use(now), soci::use(limit), soci::into(row.event_id), soci::into(row.payload),
              soci::into(row.attempts));
  std::vector<QueuedWebhook> out;
  if (!st.Execute()) return out;
  do {
    out.push_back(row);
  } while (st.Fetch());
  return out;
}

void WebhookQueue::MarkDelivered(soci::session& sql, const std::string& event_id, std::int64_t now_ms) {
  const long long now = now_ms;
  Exec(sql, kDelivered, soci::use(now), soci::use(event_id));
}

void WebhookQueue::MarkFailed(soci::session& sql, const std::string& event_id, const std::string& error,
                              std::int64_t next_attempt_ms) {
  const long long next = next_attempt_ms;
  // Error texts come from the network; bound what is kept.
  const std::string kept = error.substr(0, 500);
  Exec(sql, kFailed, soci::use(kept), soci::use(next), soci::use(event_id));
}

std::int64_t WebhookQueue::Pending(soci::session& sql) {
  long long n = 0;
  Exec(sql, kPending, soci::into(n));
  return n;
}

}  // namespace shop::payments
