#pragma once
/// Background work that no request triggers (pruning, expiry sweeps): a
/// thread that runs one pass at once and then every `interval`, until Stop().
/// Wake() asks for the next pass now (work was just queued).
/// A pass that throws is logged as a warning and the next one runs on
/// schedule, so a passing outage never ends the work. Start and Stop are
/// thread-safe; Stop returns after the pass in progress, without waiting out
/// the interval.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace shop::platform {

class PeriodicTask {
 public:
  /// `log_module` and `name` label the warning for a failed pass
  /// ("<name> failed: <what>").
  PeriodicTask(std::string log_module, std::string name, std::chrono::milliseconds interval,
               std::function<void()> pass);
  ~PeriodicTask();  ///< stops the thread
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  /// No effect when already running.
  void Start();
  /// No effect when not running.
  void Stop();
  /// Runs the next pass without waiting out the interval: at once when the
  /// thread is idle, right after the pass in progress otherwise. Cheap and
  /// thread-safe; no effect when not running.
  void Wake();

 private:
  void Loop();

  std::string log_module_;
  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> pass_;
  std::mutex lifecycle_;  // serialises Start/Stop
  std::mutex mutex_;      // guards stopping_ and woken_
  std::condition_variable wake_;
  bool stopping_ = false;
  bool woken_ = false;
  std::thread thread_;
};

}  // namespace shop::platform
