#pragma once
/// Turns every finished HTTP exchange into metrics
/// (http_requests_total{route,method,status}, http_request_duration_seconds
/// by route template) and, when enabled, one JSON access-log line.
/// Record() is thread-safe and lock-free once a (route, status) pair has
/// been seen.

#include "platform/http/router.hpp"
#include "platform/http/server.hpp"
#include "platform/metrics/metrics.hpp"

#include <array>
#include <atomic>
#include <memory>
#include <vector>

namespace shop::app {

class HttpObserver {
 public:
  HttpObserver(platform::metrics::Registry& registry, const platform::http::Router& router, bool access_log);
  void Record(const platform::http::CompletedExchange& exchange);

 private:
  struct RouteSlot {
    std::string route;
    std::string method;
    platform::metrics::Histogram* duration = nullptr;
    std::array<std::atomic<platform::metrics::Counter*>, 600> by_status{};
  };
  RouteSlot& SlotFor(const platform::http::CompletedExchange& exchange);
  void WriteAccessLine(const platform::http::CompletedExchange& exchange) const;

  platform::metrics::Family<platform::metrics::Counter>& requests_;
  platform::metrics::Family<platform::metrics::Histogram>& durations_;
  std::vector<std::unique_ptr<RouteSlot>> route_slots_;
  /// Unmatched requests by method, so a flood of random paths or methods
  /// cannot grow the label set without bound.
  std::array<std::unique_ptr<RouteSlot>, 8> unmatched_slots_;
  bool access_log_;
};

}  // namespace shop::app
