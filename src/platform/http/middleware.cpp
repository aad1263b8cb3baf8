#include "platform/http/middleware.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <random>

namespace shop::platform::http {

namespace {

bool IsLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool IsAllZero(std::string_view s) { return s.find_first_not_of('0') == std::string_view::npos; }

// Ids only need to be unique and cheap; a per-thread PRNG seeded from the OS
// avoids both a lock and a syscall per request.
std::string RandomHex32() {
  thread_local std::mt19937_64 engine{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }()};
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out(32, '0');
  for (;;) {
    std::uint64_t words[2] = {engine(), engine()};
    if ((words[0] | words[1]) == 0) continue;
    for (int w = 0; w < 2; ++w) {
      for (int i = 0; i < 16; ++i) out[w * 16 + i] = kDigits[(words[w] >> (60 - 4 * i)) & 0xf];
    }
    return out;
  }
}

void SetIfAbsent(Headers& headers, std::string_view name, std::string_view value) {
  if (!headers.Has(name)) headers.Add(std::string(name), std::string(value));
}

}  // namespace

bool IsValidRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<TraceParent> ParseTraceparent(std::string_view header) {
  // Leading/trailing whitespace is tolerated as in any header value.
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  // version(2) '-' trace-id(32) '-' parent-id(16) '-' flags(2)
  if (header.size() != 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') {
    return std::nullopt;
  }
  const std::string_view version = header.substr(0, 2);
  const std::string_view trace_id = header.substr(3, 32);
  const std::string_view parent_id = header.substr(36, 16);
  const std::string_view flags = header.substr(53, 2);
  if (version != "00") return std::nullopt;
  if (!IsLowerHex(trace_id) || !IsLowerHex(parent_id) || !IsLowerHex(flags)) return std::nullopt;
  if (IsAllZero(trace_id) || IsAllZero(parent_id)) return std::nullopt;
  return TraceParent{std::string(trace_id), std::string(parent_id), std::string(flags)};
}

std::string NewTraceId() { return RandomHex32(); }
std::string NewRequestId() { return RandomHex32(); }

Middleware RequestContext() {
  return [](Request& request, const Next& next) {
    const auto incoming = request.headers.Get("X-Request-Id");
    request.request_id = incoming && IsValidRequestId(*incoming) ? std::string(*incoming) : NewRequestId();
    const auto traceparent = request.headers.Get("traceparent");
    std::optional<TraceParent> parsed;
    if (traceparent) parsed = ParseTraceparent(*traceparent);
    request.trace_id = parsed ? std::move(parsed->trace_id) : NewTraceId();

    Response response = next(request);
    response.headers.Set("X-Request-Id", request.request_id);
    return response;
  };
}

Middleware SecurityHeaders() {
  return [](Request& request, const Next& next) {
    Response response = next(request);
    SetIfAbsent(response.headers, "X-Content-Type-Options", "nosniff");
    SetIfAbsent(response.headers, "X-Frame-Options", "DENY");
    SetIfAbsent(response.headers, "Referrer-Policy", "strict-origin-when-cross-origin");
    SetIfAbsent(response.headers, "Content-Security-Policy", kDefaultContentSecurityPolicy);
    return response;
  };
}

Middleware ErrorBoundary() {
  return [](Request& request, const Next& next) -> Response {
    std::string what;
    try {
      return next(request);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "non-standard exception";
    }
    // The text can hold internals (SQL, paths); it goes to the log, and the
    // client only gets the id to quote when reporting the problem.
    spdlog::error("unhandled exception: request_id={} method={} route={} path={} error={}",
                  request.request_id, MethodName(request.method), request.route, request.path, what);
    return Response::Problem(Error::Internal("internal error, request id " + request.request_id),
                             request.path);
  };
}

std::vector<Middleware> PlatformMiddlewares() {
  return {RequestContext(), SecurityHeaders(), ErrorBoundary()};
}

}  // namespace shop::platform::http
