#pragma once
/// Middlewares the platform provides to every shopd route. Install them
/// outermost, in this order, before any application middleware:
///   RequestContext(), SecurityHeaders(), ErrorBoundary()
/// (PlatformMiddlewares() returns exactly that list). Each returned
/// Middleware is stateless and safe to call from any number of threads.

#include "platform/http/router.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::http {

/// Sets request.request_id from a valid incoming X-Request-Id or a fresh one,
/// sets request.trace_id from a valid W3C traceparent or a fresh one, and
/// echoes X-Request-Id on the response.
Middleware RequestContext();

/// Adds X-Content-Type-Options, X-Frame-Options, Referrer-Policy and a strict
/// Content-Security-Policy to every response, leaving alone any of them the
/// handler already set (a page that needs a looser CSP sets its own).
Middleware SecurityHeaders();

/// Catches any exception thrown by the rest of the chain, logs it (with the
/// request id) through spdlog, and answers 500 problem+json whose detail is
/// "internal error, request id <id>" — never the exception's text.
Middleware ErrorBoundary();

/// RequestContext, SecurityHeaders, ErrorBoundary — the recommended order.
std::vector<Middleware> PlatformMiddlewares();

/// The Content-Security-Policy SecurityHeaders() sets by default.
inline constexpr std::string_view kDefaultContentSecurityPolicy =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// 1–128 characters of [A-Za-z0-9._-]: what we accept from a client's X-Request-Id.
bool IsValidRequestId(std::string_view id);

/// A parsed W3C traceparent header (https://www.w3.org/TR/trace-context/).
struct TraceParent {
  std::string trace_id;   ///< 32 lower-case hex digits, not all zero
  std::string parent_id;  ///< 16 lower-case hex digits, not all zero
  std::string flags;      ///< 2 lower-case hex digits
};

/// Parses "00-<32hex>-<16hex>-<2hex>". nullopt for any other version, upper-case
/// hex, wrong lengths or an all-zero trace or parent id.
std::optional<TraceParent> ParseTraceparent(std::string_view header);

/// 32 random lower-case hex digits (never all zero). Fast, not for secrets.
std::string NewTraceId();
/// A fresh request id: 32 random lower-case hex digits. Fast, not for secrets.
std::string NewRequestId();

}  // namespace shop::platform::http
