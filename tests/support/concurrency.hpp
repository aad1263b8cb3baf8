#pragma once
/// Helpers for tests that race many threads on one thing (DESIGN §8): start
/// them together, and carry what went wrong back to the test's thread
/// (doctest's macros are not for other threads).

#include <atomic>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace shop::testing {

/// Counts failures seen on worker threads and keeps the first one's message.
class Failures {
 public:
  void Add(const std::string& what) {
    std::lock_guard lock(mutex_);
    if (first_.empty()) first_ = what;
    ++count_;
  }
  void Add(const std::exception& e) { Add(std::string(e.what())); }
  int count() const {
    std::lock_guard lock(mutex_);
    return count_;
  }
  std::string first() const {
    std::lock_guard lock(mutex_);
    return first_;
  }

 private:
  mutable std::mutex mutex_;
  std::string first_;
  int count_ = 0;
};

/// Runs `body(i)` for i in 0..threads-1, each on its own thread, all released
/// at the same moment once every thread is running; returns when all are done.
template <class F>
void RunTogether(int threads, F body) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      ++ready;
      while (!go) std::this_thread::yield();
      body(i);
    });
  }
  while (ready < threads) std::this_thread::yield();
  go = true;
  for (auto& t : workers) t.join();
}

}  // namespace shop::testing
