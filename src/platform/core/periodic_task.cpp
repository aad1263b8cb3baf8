#include "platform/core/periodic_task.hpp"

#include "platform/log/log.hpp"

namespace shop::platform {

PeriodicTask::PeriodicTask(std::string log_module, std::string name, std::chrono::milliseconds interval,
                           std::function<void()> pass)
    : log_module_(std::move(log_module)), name_(std::move(name)), interval_(interval), pass_(std::move(pass)) {}

PeriodicTask::~PeriodicTask() { Stop(); }

void PeriodicTask::Start() {
  std::lock_guard life(lifecycle_);
  if (thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicTask::Stop() {
  std::lock_guard life(lifecycle_);
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void PeriodicTask::Wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void PeriodicTask::Loop() {
  auto logger = log::Get(log_module_);
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // A Wake during the pass below is kept and ends the next wait at once.
    woken_ = false;
    lock.unlock();
    try {
      pass_();
    } catch (const std::exception& e) {
      logger->warn("{} failed: {}", name_, e.what());
    }
    lock.lock();
    wake_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
  }
}

}  // namespace shop::platform
