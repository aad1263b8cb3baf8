#pragma once
/// Periodic housekeeping that no request triggers, so tables do not grow
/// without bound: pruning the event inbox (consumers' processed-event ids)
/// past its retention, and Idempotency-Key entries past theirs (replays are
/// answered for a day). Runs on its own thread; Stop() returns promptly.

#include "platform/clock/clock.hpp"
#include "platform/core/periodic_task.hpp"
#include "platform/db/db.hpp"
#include "platform/idempotency/idempotency.hpp"

#include <chrono>

namespace shop::app {

class Maintenance {
 public:
  Maintenance(platform::db::Db& db, const platform::Clock& clock, std::chrono::hours inbox_retention,
              std::chrono::milliseconds interval = std::chrono::hours(1));
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  void Start() { task_.Start(); }
  void Stop() { task_.Stop(); }
  struct Pruned {
    std::int64_t inbox_entries = 0;
    std::int64_t idempotency_keys = 0;
  };
  /// One pass; returns what it removed. Throws on database errors.
  Pruned RunOnce();

 private:
  platform::db::Db& db_;
  const platform::Clock& clock_;
  std::chrono::hours inbox_retention_;
  platform::idempotency::IdempotencyStore idempotency_;
  platform::PeriodicTask task_;  // last: its thread uses the members above
};

}  // namespace shop::app
