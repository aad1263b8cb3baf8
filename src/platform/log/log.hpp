#pragma once
/// Logging (DESIGN §2): spdlog, one JSON object per line on stdout
/// (ts, level, module, msg, and request_id/trace_id/route while a request is
/// being handled on this thread). Lines go into a 64 KiB stdio buffer that is
/// flushed when full, every second, and at once on a warning or error, so a
/// request costs a memcpy rather than a write(2).

#include <spdlog/logger.h>

#include <memory>
#include <string>
#include <string_view>

namespace shop::platform::log {

struct Options {
  std::string level = "info";   ///< trace|debug|info|warn|error
  std::string format = "json";  ///< json|text
};

/// Installs the process-wide sinks and the default logger. Call once, early;
/// safe to call again (tests) — it replaces the previous set-up.
void Init(const Options& options);

/// Flushes and drops every logger; call before exit.
void Shutdown();

/// A logger whose lines carry `"module": name` ("http", "events", "catalog").
/// Thread-safe; the same name returns the same logger.
std::shared_ptr<spdlog::logger> Get(std::string_view module);

/// Request fields attached to every line logged on this thread while the
/// scope lives (the server handles one request per thread at a time).
class RequestScope {
 public:
  RequestScope(std::string_view request_id, std::string_view trace_id, std::string_view route);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;
};

/// One access-log line, already a JSON object body (without braces), written
/// verbatim through the "access" logger.
void WriteAccessLine(std::string_view json_object);

/// Appends `s` to `out` escaped for a JSON string (without quotes).
void AppendJsonEscaped(std::string& out, std::string_view s);

}  // namespace shop::platform::log
