#pragma once
/// The transactional outbox writer (DESIGN §3): a module appends its events
/// in the same transaction as the state change, so no event exists for a
/// change that rolled back and no committed change lacks its events.
///
///   db.InTransaction([&](db::Tx& tx) {
///     repository.Insert(tx, order);
///     outbox.Publish(tx, order.id, OrderPlaced{…});
///   });

#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/events/bus.hpp"
#include "platform/ids/ids.hpp"

namespace shop::platform::events {

/// Thread-safe: one Outbox serves every module and thread.
class Outbox {
 public:
  /// `on_commit` runs after each transaction that appended events commits;
  /// the composition root passes one that wakes the relay (Relay::Notify).
  Outbox(const Clock& clock, IdGenerator& ids, std::function<void()> on_commit = {});

  /// Adds one event to the caller's transaction `tx` and returns its id; it
  /// is written to events_outbox when `tx` commits, or never.
  ///
  /// The rows are inserted just before COMMIT, grouped by aggregate in a
  /// fixed order. Each aggregate's next sequence number comes from an upsert
  /// that, on PostgreSQL, locks the aggregate until commit, so events of one
  /// aggregate are numbered in commit order; taking those locks last and in
  /// sorted order means two transactions writing events for the same
  /// aggregates can never deadlock on them, and hold them only briefly.
  /// Database errors surface from Db::InTransaction as DbError (the
  /// transaction rolls back).
  std::string Append(db::Tx& tx, std::string_view type, std::string_view aggregate_type,
                     std::string_view aggregate_id, const boost::json::value& payload,
                     std::string_view trace_id = {});

  /// Typed form for an event struct (see Event in bus.hpp).
  template <Event E>
  std::string Publish(db::Tx& tx, std::string_view aggregate_id, const E& event,
                      std::string_view trace_id = {}) {
    return Append(tx, E::kType, E::kAggregateType, aggregate_id, event.ToJson(), trace_id);
  }

 private:
  struct Pending;
  static void Flush(db::Tx& tx, Pending& pending);

  const Clock& clock_;
  IdGenerator& ids_;
  std::function<void()> on_commit_;
};

}  // namespace shop::platform::events
