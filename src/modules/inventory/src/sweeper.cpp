#include "sweeper.hpp"

#include "platform/log/log.hpp"

namespace shop::inventory {

Sweeper::Sweeper(InventoryService& service, const platform::Clock& clock, std::chrono::milliseconds interval)
    : service_(service), clock_(clock), interval_(interval) {}

Sweeper::~Sweeper() { Stop(); }

void Sweeper::Start() {
  std::lock_guard life(lifecycle_);
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void Sweeper::Stop() {
  std::lock_guard life(lifecycle_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Sweeper::Loop() {
  auto logger = platform::log::Get("inventory");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      if (std::size_t n = service_.ReleaseExpired(clock_.NowMs()); n > 0) {
        logger->info("released {} expired reservation(s)", n);
      }
    } catch (const std::exception& e) {
      // The next pass picks up whatever this one did not release.
      logger->warn("reservation sweep failed: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace shop::inventory
