#include "platform/log/log.hpp"

#include <spdlog/formatter.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <fmt/chrono.h>

#include <mutex>

namespace shop::platform::log {
namespace {

struct ThreadRequest {
  std::string request_id;
  std::string trace_id;
  std::string route;
  bool active = false;
};
thread_local ThreadRequest t_request;

std::string g_format = "json";
std::mutex g_mutex;
std::shared_ptr<spdlog::sinks::sink> g_sink;
std::shared_ptr<spdlog::logger> g_access;  // read with atomic_load: hot path

void AppendTimestamp(std::string& out, spdlog::log_clock::time_point tp) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  fmt::format_to(std::back_inserter(out), "{:%Y-%m-%dT%H:%M:%S}.{:03}Z", tm, ms % 1000);
}

/// Formats every record as one JSON object. Loggers are synchronous, so this
/// runs on the logging thread and sees its request fields; access lines carry
/// their own.
class JsonFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(160 + msg.payload.size());
    if (msg.logger_name == "access") {
      // Access lines arrive as a ready JSON body; add only the envelope.
      line += "{\"ts\":\"";
      AppendTimestamp(line, msg.time);
      line += "\",\"level\":\"info\",\"module\":\"access\",";
      line.append(msg.payload.data(), msg.payload.size());
      line += "}\n";
    } else {
      line += "{\"ts\":\"";
      AppendTimestamp(line, msg.time);
      line += "\",\"level\":\"";
      auto level = spdlog::level::to_string_view(msg.level);
      line.append(level.data(), level.size());
      line += "\",\"module\":\"";
      AppendJsonEscaped(line, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
      line += "\",\"msg\":\"";
      AppendJsonEscaped(line, std::string_view(msg.payload.data(), msg.payload.size()));
      line += '"';
      if (t_request.active) {
        line += ",\"request_id\":\"";
        AppendJsonEscaped(line, t_request.request_id);
        line += "\",\"trace_id\":\"";
        AppendJsonEscaped(line, t_request.trace_id);
        line += "\",\"route\":\"";
        AppendJsonEscaped(line, t_request.route);
        line += '"';
      }
      line += "}\n";
    }
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<JsonFormatter>(); }
};

/// Writes formatted lines into stdio's buffer without flushing each one.
/// spdlog's stdout sinks fflush after every line — a write(2) per request
/// for the access log, which cost about a fifth of /livez throughput. Here a
/// line is a memcpy; the buffer reaches the pipe when full, every second
/// (flush_every) and at once for warnings and errors (flush_on).
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    spdlog::memory_buf_t formatted;
    formatter_->format(msg, formatted);
    std::fwrite(formatted.data(), 1, formatted.size(), stdout);
  }
  void flush_() override { std::fflush(stdout); }
};

std::shared_ptr<spdlog::logger> MakeLogger(const std::string& name) {
  // Synchronous on purpose: formatting happens on the logging thread, which
  // is where the request fields live, and an async queue's wake-up per line
  // costs more than the buffered write. One shared sink keeps lines whole.
  auto logger = std::make_shared<spdlog::logger>(name, g_sink);
  logger->set_level(spdlog::default_logger()->level());
  logger->flush_on(spdlog::level::warn);
  spdlog::register_logger(logger);
  return logger;
}

}  // namespace

void AppendJsonEscaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
}

void Init(const Options& options) {
  std::lock_guard lock(g_mutex);
  spdlog::drop_all();
  g_format = options.format;
  static char stdout_buffer[64 * 1024];
  std::setvbuf(stdout, stdout_buffer, _IOFBF, sizeof stdout_buffer);
  g_sink = std::make_shared<BufferedStdoutSink>();
  if (options.format == "json") {
    g_sink->set_formatter(std::make_unique<JsonFormatter>());
  } else {
    g_sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
  }
  auto level = spdlog::level::from_str(options.level);
  auto main = std::make_shared<spdlog::logger>("shopd", g_sink);
  main->set_level(level);
  main->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(main);
  spdlog::flush_every(std::chrono::seconds(1));
  std::atomic_store(&g_access, MakeLogger("access"));
}

void Shutdown() {
  std::lock_guard lock(g_mutex);
  std::atomic_store(&g_access, std::shared_ptr<spdlog::logger>());
  g_sink.reset();
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->flush(); });
  spdlog::shutdown();
}

std::shared_ptr<spdlog::logger> Get(std::string_view module) {
  std::lock_guard lock(g_mutex);
  if (!g_sink) {
    // Before Init (unit tests): a synchronous plain logger is enough.
    auto existing = spdlog::get(std::string(module));
    if (existing) return existing;
    auto logger = std::make_shared<spdlog::logger>(
        std::string(module), std::make_shared<spdlog::sinks::stderr_sink_mt>());
    spdlog::register_logger(logger);
    return logger;
  }
  if (auto existing = spdlog::get(std::string(module))) return existing;
  return MakeLogger(std::string(module));
}

RequestScope::RequestScope(std::string_view request_id, std::string_view trace_id,
                           std::string_view route) {
  t_request.request_id.assign(request_id);
  t_request.trace_id.assign(trace_id);
  t_request.route.assign(route);
  t_request.active = true;
}

RequestScope::~RequestScope() { t_request.active = false; }

void WriteAccessLine(std::string_view json_object) {
  auto access = std::atomic_load(&g_access);
  if (access) access->info(json_object);
}

}  // namespace shop::platform::log
