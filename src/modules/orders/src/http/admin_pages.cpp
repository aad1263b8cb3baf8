// /admin/orders*: staff pages to find orders, read one with its timeline,
// and act on it — cancel, refund, ship, deliver, approve or reject a hold.
#include "http/env.hpp"

#include "platform/clock/iso_time.hpp"
#include "platform/http/form.hpp"
#include "platform/http/request.hpp"
#include "platform/money/money.hpp"
#include "shop/identity/access.hpp"

#include <charconv>

namespace shop::orders {

namespace http = platform::http;
using platform::http::FormField;
namespace json = boost::json;
using identity::Access;
using identity::Require;
using platform::IsoTime;

namespace {

constexpr int kPageSize = 25;

std::string OrderHref(std::string_view id) { return "/admin/orders/" + http::PercentEncode(id); }

http::Response MessagePage(const HttpEnv& env, const http::Request& request, const Error& error) {
  json::object data = PageData(env, request, "Orders");
  data["heading"] = "Orders";
  data["message"] = error.detail;
  return Render(env, http::StatusFor(error.code), "orders/message", data);
}

/// The order page; `form_error` set when an action was refused.
http::Response OrderDetailPage(const HttpEnv& env, const http::Request& request, std::string_view id, int status,
                         const std::string& form_error) {
  Viewer staff = ViewerOf(request);
  auto order = env.service.Get(id, staff);
  if (!order) return MessagePage(env, request, order.error());
  json::object data = PageData(env, request, "Order " + std::to_string(order->number));
  json::object view = OrderView(*order);
  const OrderStatus s = order->status;
  view["can_cancel"] = s == OrderStatus::kPendingPayment || s == OrderStatus::kOnHold;
  view["can_decide"] = s == OrderStatus::kOnHold;
  view["can_ship"] = s == OrderStatus::kPaid || s == OrderStatus::kPartiallyRefunded;
  view["can_deliver"] = s == OrderStatus::kShipped;
  view["can_refund"] = s == OrderStatus::kPaid || s == OrderStatus::kShipped || s == OrderStatus::kDelivered ||
                       s == OrderStatus::kPartiallyRefunded;
  data["order"] = std::move(view);
  data["href"] = OrderHref(order->id);
  json::array timeline;
  if (auto entries = env.service.Timeline(order->id, staff)) {
    for (const TimelineEntry& e : *entries) {
      json::object row = TimelineEntryJson(e);
      row["when"] = IsoTime(e.at_ms).substr(0, 19).replace(10, 1, " ");
      row["moved"] = e.to.has_value();
      timeline.push_back(std::move(row));
    }
  }
  data["timeline"] = std::move(timeline);
  // A fresh key per rendered refund form: a double submit replays, a new
  // form is a new refund.
  data["refund_key"] = request.request_id;
  if (auto notice = request.Query("done")) data["notice"] = *notice == "refund" ? "Refund requested." : "Saved.";
  if (!form_error.empty()) data["form_error"] = form_error;
  return Render(env, status, "orders/admin_order", data);
}

/// Runs a staff action and answers with the order page: a redirect on
/// success (so a reload does not repeat it), the page with the error otherwise.
http::Response Act(const HttpEnv& env, const http::Request& request, const Result<Order>& result,
                   std::string_view done = "saved") {
  const std::string id(request.PathParam("id"));
  if (!result) {
    if (result.error().code == ErrorCode::kNotFound) return MessagePage(env, request, result.error());
    return OrderDetailPage(env, request, id, http::StatusFor(result.error().code), FormErrorMessage(result.error()));
  }
  return http::Response::Redirect(OrderHref(id) + "?done=" + std::string(done));
}

}  // namespace

void RegisterAdminPages(http::Router& router, const HttpEnv& env) {
  router.Get("/admin/orders", Require(Access::kStaff, [&env](http::Request& request) {
    json::object data = PageData(env, request, "Orders");
    OrderFilter filter;
    std::string error;
    const std::string status = request.Query("status").value_or("");
    if (!status.empty()) {
      filter.status = ParseOrderStatus(status);
      if (!filter.status) error = "Unknown status.";
    }
    const std::string number = request.Query("number").value_or("");
    if (!number.empty()) {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
      if (ec != std::errc() || end != number.data() + number.size()) {
        error = "An order number is digits only.";
      } else {
        filter.number = n;
      }
    }
    const std::string email = request.Query("email").value_or("");
    if (!email.empty()) filter.email = email;
    data["number"] = number;
    data["email"] = email;
    json::array statuses;
    for (auto s : {OrderStatus::kPendingPayment, OrderStatus::kOnHold, OrderStatus::kPaid, OrderStatus::kShipped,
                   OrderStatus::kDelivered, OrderStatus::kPartiallyRefunded, OrderStatus::kRefunded,
                   OrderStatus::kCancelled, OrderStatus::kExpired}) {
      statuses.push_back(json::object{{"value", OrderStatusName(s)}, {"selected", OrderStatusName(s) == status}});
    }
    data["statuses"] = std::move(statuses);
    if (!error.empty()) {
      data["error"] = error;
      data["has_items"] = false;
      return Render(env, 400, "orders/admin_list", data);
    }
    auto page = env.service.List(filter, kPageSize, request.Query("cursor").value_or(""));
    if (!page) {
      data["error"] = FormErrorMessage(page.error());
      data["has_items"] = false;
      return Render(env, 400, "orders/admin_list", data);
    }
    json::array rows;
    for (const Order& o : page->items) {
      json::object row = OrderView(o);
      row["href"] = OrderHref(o.id);
      rows.push_back(std::move(row));
    }
    data["has_items"] = !rows.empty();
    data["orders"] = std::move(rows);
    if (page->next_cursor) {
      data["next_href"] = "/admin/orders?status=" + http::PercentEncode(status) + "&number=" +
                          http::PercentEncode(number) + "&email=" + http::PercentEncode(email) +
                          "&cursor=" + http::PercentEncode(*page->next_cursor);
    }
    return Render(env, 200, "orders/admin_list", data);
  }));

  router.Get("/admin/orders/{id}", Require(Access::kStaff, [&env](http::Request& request) {
    return OrderDetailPage(env, request, request.PathParam("id"), 200, "");
  }));

  router.Post("/admin/orders/{id}/cancel", Require(Access::kStaff, [&env](http::Request& request) {
    std::string reason = FormField(request.FormFields(), "reason");
    if (reason.empty()) reason = "cancelled by staff";
    return Act(env, request, env.service.Cancel(request.PathParam("id"), ViewerOf(request), reason.substr(0, 500)));
  }));

  router.Post("/admin/orders/{id}/refund", Require(Access::kStaff, [&env](http::Request& request) {
    const auto fields = request.FormFields();
    auto currency = platform::money::Currency::FromCode(env.config.shop.currency);
    auto amount = platform::money::ParseDecimal(FormField(fields, "amount"), *currency);
    const std::string reason = FormField(fields, "reason");
    if (!amount || amount->amount <= 0) {
      return OrderDetailPage(env, request, request.PathParam("id"), 400, "Amount: a positive amount such as 5.00.");
    }
    if (reason.empty() || reason.size() > 500) {
      return OrderDetailPage(env, request, request.PathParam("id"), 400, "Reason: 1 to 500 characters.");
    }
    const std::string key = FormField(fields, "idempotency_key");
    const std::string actor = ActorOf(request);
    // The form carries its own key, so a double click or a resubmitted page
    // replays the first refund instead of refunding twice.
    auto& store = env.idempotency;
    const std::string scope = "refund-form:" + actor;
    const std::string hash = platform::idempotency::RequestHash(request);
    if (!platform::idempotency::IsValidKey(key)) {
      return OrderDetailPage(env, request, request.PathParam("id"), 400, "The form is stale; reload the page.");
    }
    auto claim = store.Begin(scope, key, hash);
    if (claim.kind != platform::idempotency::ClaimKind::kFresh) {
      return http::Response::Redirect(OrderHref(request.PathParam("id")) + "?done=refund");
    }
    auto result = env.service.Refund(request.PathParam("id"), *amount, reason, FormField(fields, "restock") == "on", actor);
    if (!result) {
      store.Abandon(scope, key);
      return Act(env, request, result);
    }
    store.Complete(scope, key, {.status = 303, .content_type = "", .location = OrderHref(result->id), .body = ""});
    return Act(env, request, result, "refund");
  }));

  router.Post("/admin/orders/{id}/ship", Require(Access::kStaff, [&env](http::Request& request) {
    const auto fields = request.FormFields();
    const std::string carrier = FormField(fields, "carrier"), tracking = FormField(fields, "tracking_number");
    if (carrier.empty() || carrier.size() > 100 || tracking.empty() || tracking.size() > 100) {
      return OrderDetailPage(env, request, request.PathParam("id"), 400,
                       "Carrier and tracking number: 1 to 100 characters each.");
    }
    return Act(env, request, env.service.Ship(request.PathParam("id"), carrier, tracking, ActorOf(request)));
  }));

  router.Post("/admin/orders/{id}/deliver", Require(Access::kStaff, [&env](http::Request& request) {
    return Act(env, request, env.service.Deliver(request.PathParam("id"), ActorOf(request)));
  }));
  router.Post("/admin/orders/{id}/approve", Require(Access::kStaff, [&env](http::Request& request) {
    return Act(env, request, env.service.Release(request.PathParam("id"), true, ActorOf(request)));
  }));
  router.Post("/admin/orders/{id}/reject", Require(Access::kStaff, [&env](http::Request& request) {
    return Act(env, request, env.service.Release(request.PathParam("id"), false, ActorOf(request)));
  }));
}

}  // namespace shop::orders
