#include "app/maintenance.hpp"

#include "platform/events/inbox.hpp"
#include "platform/log/log.hpp"

namespace shop::app {

Maintenance::Maintenance(platform::db::Db& db, const platform::Clock& clock, std::chrono::hours inbox_retention,
                         std::chrono::milliseconds interval)
    : db_(db), clock_(clock), inbox_retention_(inbox_retention), interval_(interval) {}

Maintenance::~Maintenance() { Stop(); }

void Maintenance::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Maintenance::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::int64_t Maintenance::RunOnce() {
  const std::int64_t before =
      clock_.NowMs() - std::chrono::duration_cast<std::chrono::milliseconds>(inbox_retention_).count();
  return platform::events::Inbox::Prune(db_, before);
}

void Maintenance::Loop() {
  auto logger = platform::log::Get("maintenance");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    try {
      if (std::int64_t pruned = RunOnce(); pruned > 0) logger->info("pruned {} inbox entries", pruned);
    } catch (const std::exception& e) {
      // A failed pass is retried at the next interval; nothing depends on it.
      logger->warn("inbox prune failed: {}", e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
  }
}

}  // namespace shop::app
