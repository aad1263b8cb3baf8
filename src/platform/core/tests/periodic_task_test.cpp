#include "platform/core/periodic_task.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <stdexcept>

using shop::platform::PeriodicTask;
using namespace std::chrono_literals;

namespace {

/// Waits up to 5 s for `done`.
template <class F>
bool Eventually(F done) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

}  // namespace

TEST_CASE("a periodic task runs at once, repeats, survives a throwing pass and stops promptly") {
  std::atomic<int> passes{0};
  PeriodicTask task("test", "counting", 5ms, [&] {
    if (++passes == 2) throw std::runtime_error("one bad pass");
  });
  task.Start();
  task.Start();  // no second thread
  CHECK(Eventually([&] { return passes >= 4; }));
  task.Stop();
  const int after_stop = passes;
  std::this_thread::sleep_for(30ms);
  CHECK(passes == after_stop);
  task.Stop();  // idempotent

  // Restartable.
  task.Start();
  CHECK(Eventually([&] { return passes > after_stop; }));
}

TEST_CASE("Stop does not wait out a long interval") {
  std::atomic<int> passes{0};
  PeriodicTask task("test", "slow", 1h, [&] { ++passes; });
  task.Start();
  CHECK(Eventually([&] { return passes == 1; }));
  const auto started = std::chrono::steady_clock::now();
  task.Stop();
  CHECK(std::chrono::steady_clock::now() - started < 1s);
  CHECK(passes == 1);
}

TEST_CASE("Wake runs the next pass without waiting out the interval, also when it came during a pass") {
  std::atomic<int> passes{0};
  std::atomic<bool> hold_first{true};
  PeriodicTask task("test", "woken", 1h, [&] {
    ++passes;
    while (hold_first) std::this_thread::sleep_for(1ms);
  });
  task.Wake();  // not running: no effect, and no pass
  task.Start();
  CHECK(Eventually([&] { return passes == 1; }));
  task.Wake();  // arrives while the first pass is still running
  hold_first = false;
  CHECK(Eventually([&] { return passes == 2; }));
  task.Wake();  // idle now
  CHECK(Eventually([&] { return passes == 3; }));
  std::this_thread::sleep_for(30ms);
  CHECK(passes == 3);  // a wake is one pass, not a loop
  task.Stop();
}
