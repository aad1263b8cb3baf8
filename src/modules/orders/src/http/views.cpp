// JSON shapes of orders (DESIGN §5) and the request facts routes share.
#include "http/env.hpp"

#include "platform/clock/iso_time.hpp"
#include "platform/money/money.hpp"
#include "platform/templates/layout.hpp"
#include "shop/identity/access.hpp"

#include <cctype>

namespace shop::orders {

namespace http = platform::http;
namespace json = boost::json;
using platform::IsoTime;
using platform::money::ToJson;

namespace {

json::object AddressJson(const Address& a) {
  return {{"name", a.name}, {"line1", a.line1},           {"line2", a.line2},
          {"city", a.city}, {"postal_code", a.postal_code}, {"country", a.country}};
}

json::object LineJson(const OrderLine& line) {
  json::object options;
  for (const auto& [name, value] : line.options) options[name] = value;
  return {{"sku", line.sku},
          {"product_slug", line.product_slug},
          {"name", line.name},
          {"options", std::move(options)},
          {"quantity", line.quantity},
          {"unit_price", ToJson(line.unit_price)},
          {"line_total", ToJson(line.line_total)}};
}

}  // namespace

json::object OrderJson(const Order& o, bool with_lines) {
  json::object out{{"id", o.id},
                   {"number", o.number},
                   {"status", OrderStatusName(o.status)},
                   {"email", o.email},
                   {"subtotal", ToJson(o.subtotal)},
                   {"shipping", ToJson(o.shipping)},
                   {"tax", ToJson(o.tax)},
                   {"total", ToJson(o.total)},
                   {"refunded", ToJson(o.refunded)},
                   {"prices_include_tax", o.prices_include_tax},
                   {"shipping_method", json::object{{"id", o.shipping_method}, {"name", o.shipping_method_name}}},
                   {"shipping_address", AddressJson(o.shipping_address)},
                   {"payment", json::object{{"id", o.payment_id}}},
                   {"created_at", IsoTime(o.created_at_ms)},
                   {"updated_at", IsoTime(o.updated_at_ms)}};
  out["customer_id"] = o.customer_id.empty() ? json::value(nullptr) : json::value(o.customer_id);
  if (!o.carrier.empty()) {
    out["shipment"] = json::object{{"carrier", o.carrier}, {"tracking_number", o.tracking_number}};
  }
  if (with_lines) {
    json::array lines;
    for (const OrderLine& line : o.lines) lines.push_back(LineJson(line));
    out["lines"] = std::move(lines);
  }
  return out;
}

json::object TimelineEntryJson(const TimelineEntry& e) {
  json::object out{{"id", e.id}, {"note", e.note}, {"actor", e.actor}, {"at", IsoTime(e.at_ms)}};
  out["from"] = e.from ? json::value(OrderStatusName(*e.from)) : json::value(nullptr);
  out["to"] = e.to ? json::value(OrderStatusName(*e.to)) : json::value(nullptr);
  return out;
}

json::object OrderPageJson(const OrderPage& page) {
  json::array items;
  for (const Order& o : page.items) items.push_back(OrderJson(o, false));
  json::object out{{"items", std::move(items)}};
  out["next_cursor"] = page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr);
  return out;
}

Viewer ViewerOf(const http::Request& request) {
  Viewer viewer;
  if (const identity::Principal* p = identity::CurrentPrincipal(request)) {
    viewer.customer_id = p->user_id.value;
    viewer.staff = p->IsStaff();
  }
  if (auto token = request.Header("X-Order-Token")) {
    viewer.order_token = std::string(*token);
  } else if (auto cookie = request.Cookie(kOrderTokenCookie)) {
    viewer.order_token = *cookie;
  }
  return viewer;
}

std::string ActorOf(const http::Request& request) {
  const identity::Principal* p = identity::CurrentPrincipal(request);
  return p ? p->user_id.value : std::string();
}

json::object PageData(const HttpEnv& env, const http::Request& request, std::string_view title) {
  json::object data = platform::templates::LayoutData(env.config, env.clock, title);
  identity::AddNavigation(data, request);
  return data;
}

namespace {

/// The badge class of a status: money taken, waiting, or ended.
std::string_view StatusTone(OrderStatus s) {
  switch (s) {
    case OrderStatus::kPaid:
    case OrderStatus::kShipped:
    case OrderStatus::kDelivered: return "ok";
    case OrderStatus::kPendingPayment:
    case OrderStatus::kOnHold: return "wait";
    default: return "ended";
  }
}

std::string StatusLabel(OrderStatus s) {
  std::string label(OrderStatusName(s));
  for (std::size_t i = 0; i < label.size(); ++i) {
    label[i] = label[i] == '_' ? ' ' : (i == 0 ? label[i] : static_cast<char>(std::tolower(label[i])));
  }
  return label;
}

}  // namespace

json::object OrderView(const Order& o) {
  using platform::money::Format;
  json::object v = OrderJson(o);
  v["status_label"] = StatusLabel(o.status);
  v["status_tone"] = StatusTone(o.status);
  v["subtotal_text"] = Format(o.subtotal);
  v["shipping_text"] = Format(o.shipping);
  v["tax_text"] = Format(o.tax);
  v["total_text"] = Format(o.total);
  v["refunded_text"] = Format(o.refunded);
  v["has_refund"] = o.refunded.amount > 0;
  v["refundable"] = platform::money::FormatDecimal(platform::money::Money{o.total.amount - o.refunded.amount, o.total.currency});
  v["created_text"] = IsoTime(o.created_at_ms).substr(0, 16).replace(10, 1, " ");
  v["guest"] = o.customer_id.empty();
  // Templates test a field's presence: an empty second address line is left out.
  if (o.shipping_address.line2.empty()) v["shipping_address"].as_object().erase("line2");
  json::array lines;
  for (const OrderLine& line : o.lines) {
    json::object l = LineJson(line);
    std::string options;
    for (const auto& [name, value] : line.options) options += (options.empty() ? "" : ", ") + name + ": " + value;
    l["options_text"] = options;
    l["unit_text"] = Format(line.unit_price);
    l["total_text"] = Format(line.line_total);
    lines.push_back(std::move(l));
  }
  v["lines"] = std::move(lines);
  return v;
}

http::Response Render(const HttpEnv& env, int status, std::string_view name, const json::object& data) {
  auto response = http::Response::Html(status, env.templates.RenderPage(name, data));
  response.headers.Set("Cache-Control", "no-store");
  return response;
}

std::string FormErrorMessage(const Error& error) {
  if (error.fields.empty()) return error.detail;
  std::string message;
  for (const auto& f : error.fields) message += (message.empty() ? "" : "; ") + f.field + " " + f.message;
  return message;
}

}  // namespace shop::orders
