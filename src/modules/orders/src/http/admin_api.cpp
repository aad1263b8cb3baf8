// /api/v1/admin/orders*: the staff API over every order — list with
// filters, detail with the timeline, cancel, refund, ship, deliver, and the
// decision on orders held for review (DESIGN §5).
#include "http/env.hpp"

#include "platform/http/json_input.hpp"
#include "platform/http/paging.hpp"
#include "shop/identity/access.hpp"

#include <charconv>
#include <ctime>

namespace shop::orders {

namespace http = platform::http;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kMaxRefund = 1'000'000'000'000;

/// "YYYY-MM-DD" → milliseconds at 00:00 UTC of that day.
std::optional<std::int64_t> ParseDay(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t at, std::size_t len) -> std::optional<int> {
    int v = 0;
    auto [end, ec] = std::from_chars(text.data() + at, text.data() + at + len, v);
    if (ec != std::errc() || end != text.data() + at + len) return std::nullopt;
    return v;
  };
  auto y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (!y || !m || !d || *m < 1 || *m > 12 || *d < 1 || *d > 31 || *y < 1970) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *y - 1900;
  tm.tm_mon = *m - 1;
  tm.tm_mday = *d;
  const std::time_t t = timegm(&tm);
  // timegm normalises 31 February into March; such a date is not one.
  std::tm back{};
  gmtime_r(&t, &back);
  if (back.tm_mday != *d) return std::nullopt;
  return static_cast<std::int64_t>(t) * 1000;
}

Result<OrderFilter> ReadFilter(const http::Request& request) {
  OrderFilter filter;
  std::vector<FieldError> errors;
  if (auto s = request.Query("status"); s && !s->empty()) {
    filter.status = ParseOrderStatus(*s);
    if (!filter.status) errors.push_back({"status", "must be an order status such as PAID"});
  }
  if (auto from = request.Query("from"); from && !from->empty()) {
    filter.from_ms = ParseDay(*from);
    if (!filter.from_ms) errors.push_back({"from", "must be a date YYYY-MM-DD"});
  }
  if (auto to = request.Query("to"); to && !to->empty()) {
    auto day = ParseDay(*to);
    if (day) filter.to_ms = *day + kDayMs;  // the whole of the last day
    if (!day) errors.push_back({"to", "must be a date YYYY-MM-DD"});
  }
  if (auto customer = request.Query("customer"); customer && !customer->empty()) {
    if (customer->size() > 64) errors.push_back({"customer", "is not a customer id"});
    filter.customer_id = *customer;
  }
  if (auto email = request.Query("email"); email && !email->empty()) {
    if (email->size() > 254) errors.push_back({"email", "is too long"});
    filter.email = *email;
  }
  if (auto number = request.Query("number"); number && !number->empty()) {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(number->data(), number->data() + number->size(), n);
    if (ec != std::errc() || end != number->data() + number->size() || n < 1) {
      errors.push_back({"number", "must be an order number"});
    }
    filter.number = n;
  }
  if (!errors.empty()) return Error::InvalidInput("invalid filter", std::move(errors));
  return filter;
}

http::Response OrderResponse(const Result<Order>& order, const http::Request& request) {
  if (!order) return http::Response::Problem(order.error(), request.path);
  return http::Response::Json(200, OrderJson(*order));
}

}  // namespace

void RegisterAdminApi(http::Router& router, const HttpEnv& env) {
  router.Get("/api/v1/admin/orders", Require(Access::kStaff, [&env](http::Request& request) {
    auto filter = ReadFilter(request);
    if (!filter) return http::Response::Problem(filter.error(), request.path);
    auto limit = http::LimitParam(request, 20);
    if (!limit) {
      return http::Response::Problem(
          Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}}), request.path);
    }
    auto page = env.service.List(*filter, *limit, request.Query("cursor").value_or(""));
    if (!page) return http::Response::Problem(page.error(), request.path);
    return http::Response::Json(200, OrderPageJson(*page));
  }));

  router.Get("/api/v1/admin/orders/{id}", Require(Access::kStaff, [&env](http::Request& request) {
    const Viewer staff = ViewerOf(request);
    auto order = env.service.Get(request.PathParam("id"), staff);
    if (!order) return http::Response::Problem(order.error(), request.path);
    auto timeline = env.service.Timeline(order->id, staff);
    json::object body = OrderJson(*order);
    json::array entries;
    if (timeline) {
      for (const TimelineEntry& e : *timeline) entries.push_back(TimelineEntryJson(e));
    }
    body["timeline"] = std::move(entries);
    return http::Response::Json(200, body);
  }));

  router.Post("/api/v1/admin/orders/{id}/cancel", Require(Access::kStaff, [&env](http::Request& request) {
    std::string reason = "cancelled by staff";
    if (!request.body.empty()) {
      auto input = http::JsonInput::Parse(request);
      if (!input) return http::Response::Problem(input.error(), request.path);
      if (auto r = input->String("reason", false); r && !r->empty()) reason = r->substr(0, 500);
      if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    }
    return OrderResponse(env.service.Cancel(request.PathParam("id"), ViewerOf(request), reason), request);
  }));

  router.Post("/api/v1/admin/orders/{id}/refunds", Require(Access::kStaff, [&env](http::Request& request) {
    const std::string actor = ActorOf(request);
    return platform::idempotency::WithIdempotencyKey(env.idempotency, request, "refund:" + actor, true, [&] {
      auto input = http::JsonInput::Parse(request);
      if (!input) return http::Response::Problem(input.error(), request.path);
      auto amount = input->Int("amount", true, 1, kMaxRefund);
      auto reason = input->String("reason", true);
      if (reason && (reason->empty() || reason->size() > 500)) input->Fail("reason", "must be 1 to 500 characters");
      auto restock = input->Bool("restock", false);
      if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
      auto currency = platform::money::Currency::FromCode(env.config.shop.currency);
      return OrderResponse(env.service.Refund(request.PathParam("id"), platform::money::Money{*amount, *currency},
                                              *reason, restock.value_or(false), actor),
                           request);
    });
  }));

  router.Post("/api/v1/admin/orders/{id}/ship", Require(Access::kStaff, [&env](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto carrier = input->String("carrier", true);
    auto tracking = input->String("tracking_number", true);
    if (carrier && (carrier->empty() || carrier->size() > 100)) input->Fail("carrier", "must be 1 to 100 characters");
    if (tracking && (tracking->empty() || tracking->size() > 100)) {
      input->Fail("tracking_number", "must be 1 to 100 characters");
    }
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    return OrderResponse(env.service.Ship(request.PathParam("id"), *carrier, *tracking, ActorOf(request)), request);
  }));

  router.Post("/api/v1/admin/orders/{id}/deliver", Require(Access::kStaff, [&env](http::Request& request) {
    return OrderResponse(env.service.Deliver(request.PathParam("id"), ActorOf(request)), request);
  }));

  router.Post("/api/v1/admin/orders/{id}/approve", Require(Access::kStaff, [&env](http::Request& request) {
    return OrderResponse(env.service.Release(request.PathParam("id"), true, ActorOf(request)), request);
  }));
  router.Post("/api/v1/admin/orders/{id}/reject", Require(Access::kStaff, [&env](http::Request& request) {
    return OrderResponse(env.service.Release(request.PathParam("id"), false, ActorOf(request)), request);
  }));
}

}  // namespace shop::orders
