#include "platform/core/crash_points.hpp"

#include <atomic>
#include <csignal>
#include <set>
#include <string>

#include <unistd.h>

namespace shop::platform {
namespace {

std::atomic<bool> g_armed{false};
// Written once by ArmCrashPoints before serving starts, read-only after.
std::set<std::string, std::less<>>& Armed() {
  static std::set<std::string, std::less<>> armed;
  return armed;
}

}  // namespace

void ArmCrashPoints(std::string_view names) {
  Armed().clear();
  std::size_t start = 0;
  while (start <= names.size()) {
    std::size_t comma = names.find(',', start);
    std::string_view part = names.substr(start, comma == std::string_view::npos ? names.npos : comma - start);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
    if (!part.empty()) Armed().emplace(part);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  g_armed.store(!Armed().empty(), std::memory_order_release);
}

bool CrashPointsArmed() { return g_armed.load(std::memory_order_acquire); }

void CrashPoint(std::string_view name) {
  if (!g_armed.load(std::memory_order_acquire)) return;
  if (Armed().find(name) == Armed().end()) return;
  // SIGKILL cannot be caught: no destructor, flush or atexit runs, exactly
  // like an operator's kill -9 or the OOM killer.
  ::kill(::getpid(), SIGKILL);
}

}  // namespace shop::platform
