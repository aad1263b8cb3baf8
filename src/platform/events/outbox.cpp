#include "platform/events/outbox.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <tuple>
#include <vector>

#include "platform/events/outbox_store.hpp"

namespace shop::platform::events {

// Events appended in one transaction attempt, written by Flush before COMMIT.
// One buffer per transaction, shared by every Outbox instance, so all of the
// transaction's sequence locks are taken in one sorted pass.
struct Outbox::Pending {
  std::vector<Envelope> events;
  bool flush_registered = false;
  std::vector<const Outbox*> notifying;  // outboxes whose on_commit is registered
};

namespace {
constexpr char kPendingKey = 0;
}  // namespace

Outbox::Outbox(const Clock& clock, IdGenerator& ids, std::function<void()> on_commit)
    : clock_(clock), ids_(ids), on_commit_(std::move(on_commit)) {}

std::string Outbox::Append(db::Tx& tx, std::string_view type, std::string_view aggregate_type,
                           std::string_view aggregate_id, const boost::json::value& payload,
                           std::string_view trace_id) {
  Pending& pending = tx.Local<Pending>(&kPendingKey);
  if (!pending.flush_registered) {
    // Also after a flush: an event appended by a later before-commit hook
    // gets its own flush.
    pending.flush_registered = true;
    tx.BeforeCommit([&pending](db::Tx& t) { Flush(t, pending); });
  }
  if (on_commit_ &&
      std::find(pending.notifying.begin(), pending.notifying.end(), this) == pending.notifying.end()) {
    pending.notifying.push_back(this);
    tx.AfterCommit(on_commit_);
  }
  Envelope& e = pending.events.emplace_back();
  e.id = ids_.NewId();
  e.type = std::string(type);
  e.occurred_at_ms = clock_.NowMs();
  e.aggregate_type = std::string(aggregate_type);
  e.aggregate_id = std::string(aggregate_id);
  e.trace_id = std::string(trace_id);
  e.payload = boost::json::serialize(payload);
  return e.id;
}

void Outbox::Flush(db::Tx& tx, Pending& pending) {
  // Sorted by aggregate (stable: append order within one), so every writer
  // takes the per-aggregate sequence locks in the same order.
  std::stable_sort(pending.events.begin(), pending.events.end(), [](const Envelope& a, const Envelope& b) {
    return std::tie(a.aggregate_type, a.aggregate_id) < std::tie(b.aggregate_type, b.aggregate_id);
  });
  for (const Envelope& e : pending.events) store::InsertNew(tx, e, e.occurred_at_ms);
  pending.events.clear();
  pending.flush_registered = false;
}

}  // namespace shop::platform::events
