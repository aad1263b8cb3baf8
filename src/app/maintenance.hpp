#pragma once
/// Periodic housekeeping that no request triggers: pruning the event inbox
/// (consumers' processed-event ids) past its retention, so the table does
/// not grow without bound. Runs on its own thread; Stop() returns promptly.

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace shop::app {

class Maintenance {
 public:
  Maintenance(platform::db::Db& db, const platform::Clock& clock, std::chrono::hours inbox_retention,
              std::chrono::milliseconds interval = std::chrono::hours(1));
  ~Maintenance();
  Maintenance(const Maintenance&) = delete;
  Maintenance& operator=(const Maintenance&) = delete;

  void Start();
  void Stop();
  /// One pass; returns the inbox entries removed. Throws on database errors.
  std::int64_t RunOnce();

 private:
  void Loop();

  platform::db::Db& db_;
  const platform::Clock& clock_;
  std::chrono::hours inbox_retention_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shop::app
