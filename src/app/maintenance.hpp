#pragma once
/// Periodic housekeeping that no request triggers: pruning the event inbox
/// (consumers' processed-event ids) past its retention, so the table does
/// not grow without bound. Runs on its own thread; Stop() returns promptly.

#include "platform/clock/clock.hpp"
#include "platform/core/periodic_task.hpp"
#include "platform/db/db.hpp"

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
  /// One pass; returns the inbox entries removed. Throws on database errors.
  std::int64_t RunOnce();

 private:
  platform::db::Db& db_;
  const platform::Clock& clock_;
  std::chrono::hours inbox_retention_;
  platform::PeriodicTask task_;  // last: its thread uses the members above
};

}  // namespace shop::app
