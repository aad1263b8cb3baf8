#pragma once
// The reservation expiry sweeper: a thread that calls
// InventoryService::ReleaseExpired every inventory.sweep_interval_ms.
// Several instances may sweep at once: each reservation's status UPDATE lets
// exactly one of them release it.

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "platform/clock/clock.hpp"
#include "shop/inventory/inventory.hpp"

namespace shop::inventory {

class Sweeper {
 public:
  Sweeper(InventoryService& service, const platform::Clock& clock, std::chrono::milliseconds interval);
  ~Sweeper();
  Sweeper(const Sweeper&) = delete;
  Sweeper& operator=(const Sweeper&) = delete;

  /// No effect when already running.
  void Start();
  /// Returns after the current pass; no effect when not running.
  void Stop();

 private:
  void Loop();

  InventoryService& service_;
  const platform::Clock& clock_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::mutex lifecycle_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace shop::inventory
