#include "app/http_observer.hpp"

#include "platform/log/log.hpp"

#include <fmt/format.h>

namespace shop::app {

namespace http = platform::http;
namespace metrics = platform::metrics;

HttpObserver::HttpObserver(metrics::Registry& registry, const http::Router& router, bool access_log)
    : requests_(registry.AddCounter("http_requests_total", "HTTP requests answered.",
                                    {"route", "method", "status"})),
      durations_(registry.AddHistogram("http_request_duration_seconds",
                                       "Time from the end of the request header to the response.",
                                       {"route", "method"}, metrics::DefaultDurationBuckets())),
      access_log_(access_log) {
  registry.AddCollector([](std::string& out) { metrics::AppendProcessMetrics(out); });
  for (const auto& route : router.Routes()) {
    auto slot = std::make_unique<RouteSlot>();
    slot->route = route->pattern;
    slot->method = std::string(http::MethodName(route->method));
    slot->duration = &durations_.With({slot->route, slot->method});
    route_slots_.push_back(std::move(slot));
  }
  for (std::size_t m = 0; m < unmatched_slots_.size(); ++m) {
    auto slot = std::make_unique<RouteSlot>();
    slot->route = "unmatched";
    slot->method = std::string(http::MethodName(static_cast<http::Method>(m)));
    slot->duration = &durations_.With({slot->route, slot->method});
    unmatched_slots_[m] = std::move(slot);
  }
}

HttpObserver::RouteSlot& HttpObserver::SlotFor(const http::CompletedExchange& exchange) {
  if (exchange.route && exchange.route->index < route_slots_.size()) {
    return *route_slots_[exchange.route->index];
  }
  auto method = exchange.request ? static_cast<std::size_t>(exchange.request->method)
                                 : static_cast<std::size_t>(http::Method::kOther);
  return *unmatched_slots_[std::min(method, unmatched_slots_.size() - 1)];
}

void HttpObserver::Record(const http::CompletedExchange& exchange) {
  RouteSlot& slot = SlotFor(exchange);
  int status = exchange.status >= 100 && exchange.status < 600 ? exchange.status : 599;
  metrics::Counter* counter = slot.by_status[status].load(std::memory_order_acquire);
  if (!counter) {
    // First time this (route, status): the family's lock, then cached forever.
    counter = &requests_.With({slot.route, slot.method, std::to_string(status)});
    slot.by_status[status].store(counter, std::memory_order_release);
  }
  counter->Inc();
  slot.duration->Observe(std::chrono::duration<double>(exchange.duration).count());
  if (access_log_) WriteAccessLine(exchange);
}

void HttpObserver::WriteAccessLine(const http::CompletedExchange& exchange) const {
  std::string line;
  line.reserve(256);
  const http::Request* req = exchange.request;
  line += "\"method\":\"";
  if (req) platform::log::AppendJsonEscaped(line, http::MethodName(req->method));
  line += "\",\"path\":\"";
  // Only the path: query strings can carry tokens.
  if (req) platform::log::AppendJsonEscaped(line, std::string_view(req->path).substr(0, 512));
  line += "\",\"route\":\"";
  if (exchange.route) platform::log::AppendJsonEscaped(line, exchange.route->pattern);
  fmt::format_to(std::back_inserter(line), "\",\"status\":{},\"duration_ms\":{:.3f},\"bytes\":{}", exchange.status,
                 std::chrono::duration<double, std::milli>(exchange.duration).count(), exchange.response_bytes);
  if (req) {
    line += ",\"request_id\":\"";
    platform::log::AppendJsonEscaped(line, req->request_id);
    line += "\",\"trace_id\":\"";
    platform::log::AppendJsonEscaped(line, req->trace_id);
    line += "\",\"remote\":\"";
    platform::log::AppendJsonEscaped(line, req->remote_address);
    line += '"';
  }
  platform::log::WriteAccessLine(line);
}

}  // namespace shop::app
