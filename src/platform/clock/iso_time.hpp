#pragma once
/// Stored times (milliseconds since the Unix epoch) as the API shows them:
/// ISO 8601 in UTC with milliseconds, "2026-01-31T12:00:00.000Z".

#include <fmt/format.h>

#include <cstdint>
#include <ctime>
#include <string>

namespace shop::platform {

inline std::string IsoTime(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
}

}  // namespace shop::platform
