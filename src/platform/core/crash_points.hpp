#pragma once
/// Named places where the crash-safety tests make the process die as
/// abruptly as `kill -9` (DESIGN §8): between the steps that must survive a
/// crash in any order, e.g. after a reservation and before its order.
///
/// Nothing is armed unless `debug.crash_points` names points (refused in the
/// prod profile). An unarmed CrashPoint costs one relaxed atomic load.
/// Thread-safe.

#include <string_view>

namespace shop::platform {

/// Arms the comma-separated point names in `names` ("" disarms all). Call
/// once at start, before any thread reaches a point.
void ArmCrashPoints(std::string_view names);

/// Sends SIGKILL to this process when `name` is armed; returns otherwise.
void CrashPoint(std::string_view name);

/// True when any point is armed (so a caller can skip building a name).
bool CrashPointsArmed();

}  // namespace shop::platform
