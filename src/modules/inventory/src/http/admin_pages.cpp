// /admin/inventory*: staff pages to find SKUs, see their levels and ledger,
// adjust stock and thresholds, and list what runs low.
#include <charconv>
#include "platform/templates/layout.hpp"
#include <ctime>

#include "http/env.hpp"
#include "platform/http/form.hpp"
#include "platform/http/request.hpp"
#include "shop/identity/access.hpp"

namespace shop::inventory {

namespace http = platform::http;
using platform::http::FormField;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

constexpr int kPageSize = 25;
constexpr int kLedgerPageSize = 50;

/// The layout's data: shop name, year, title and the navigation state.
json::object PageData(const HttpEnv& env, const http::Request& request, std::string_view title) {
  json::object data = platform::templates::LayoutData(env.config, env.clock, title);
  identity::AddNavigation(data, request);
  return data;
}

http::Response Render(const HttpEnv& env, int status, std::string_view name, const json::object& data) {
  auto response = http::Response::Html(status, env.templates.RenderPage(name, data));
  // Staff pages carry a CSRF token and live stock figures.
  response.headers.Set("Cache-Control", "no-store");
  return response;
}

http::Response MessagePage(const HttpEnv& env, const http::Request& request, int status, std::string_view title,
                           std::string_view message) {
  json::object data = PageData(env, request, title);
  data["heading"] = title;
  data["message"] = message;
  return Render(env, status, "inventory/message", data);
}

json::array StockRows(const std::vector<StockLevel>& levels) {
  json::array rows;
  for (const StockLevel& level : levels) {
    json::object row = StockJson(level);
    row["href"] = "/admin/inventory/" + http::PercentEncode(level.sku.value);
    rows.push_back(std::move(row));
  }
  return rows;
}

/// An integer form field; nullopt when it is not one.
std::optional<std::int64_t> IntField(const std::string& text) {
  std::int64_t n = 0;
  const char* begin = text.data();
  if (!text.empty() && text.front() == '+') ++begin;
  auto [end, ec] = std::from_chars(begin, text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

/// The SKU page: levels, forms, and one page of the ledger. `form_error`
/// and the echoed form values are set when a form was refused.
http::Response SkuPage(const HttpEnv& env, const http::Request& request, const Sku& sku, int status,
                       json::object extra) {
  auto level = env.service.Get(sku);
  if (!level) {
    return MessagePage(env, request, http::StatusFor(level.error().code), "Inventory", level.error().detail);
  }
  const std::string cursor = request.method == http::Method::kGet ? request.Query("cursor").value_or("") : "";
  auto ledger = env.service.Ledger(sku, kLedgerPageSize, cursor);
  if (!ledger) {
    return MessagePage(env, request, http::StatusFor(ledger.error().code), "Inventory", ledger.error().detail);
  }
  json::object data = PageData(env, request, sku.value);
  data["stock"] = StockJson(*level);
  data["href"] = "/admin/inventory/" + http::PercentEncode(sku.value);
  json::array rows;
  for (const Movement& m : ledger->items) {
    json::object row = MovementJson(m);
    std::string when = IsoTime(m.at_ms).substr(0, 19);
    when[10] = ' ';
    row["when"] = when;
    rows.push_back(std::move(row));
  }
  data["has_ledger"] = !rows.empty();
  data["ledger"] = std::move(rows);
  if (ledger->next_cursor) {
    data["next_href"] = "/admin/inventory/" + http::PercentEncode(sku.value) + "?cursor=" + http::PercentEncode(*ledger->next_cursor);
  }
  if (request.Query("saved")) data["notice"] = "Saved.";
  for (auto& [key, value] : extra) data[key] = value;
  return Render(env, status, "inventory/item", data);
}

/// Puts a refused form's error into page data: the field messages when
/// there are any, else the detail.
json::object FormError(const Error& error) {
  std::string message = error.detail;
  if (!error.fields.empty()) {
    message.clear();
    for (const auto& f : error.fields) message += (message.empty() ? "" : "; ") + f.field + " " + f.message;
  }
  return json::object{{"form_error", message}};
}

}  // namespace

void RegisterAdminPages(http::Router& router, const HttpEnv& env) {
  router.Get("/admin/inventory", Require(Access::kStaff, [&env](http::Request& request) {
    const std::string query = request.Query("q").value_or("");
    auto page = env.service.Search(query, kPageSize, request.Query("cursor").value_or(""));
    json::object data = PageData(env, request, "Inventory");
    data["q"] = query;
    if (!page) {
      data["error"] = page.error().fields.empty() ? page.error().detail : page.error().fields.front().message;
      data["has_items"] = false;
      return Render(env, 400, "inventory/index", data);
    }
    data["items"] = StockRows(page->items);
    data["has_items"] = !page->items.empty();
    if (page->next_cursor) {
      data["next_href"] = "/admin/inventory?q=" + http::PercentEncode(query) + "&cursor=" + http::PercentEncode(*page->next_cursor);
    }
    return Render(env, 200, "inventory/index", data);
  }));

  router.Get("/admin/inventory/low-stock", Require(Access::kStaff, [&env](http::Request& request) {
    auto page = env.service.LowStock(kPageSize, request.Query("cursor").value_or(""));
    if (!page) return MessagePage(env, request, http::StatusFor(page.error().code), "Low stock", page.error().detail);
    json::object data = PageData(env, request, "Low stock");
    data["items"] = StockRows(page->items);
    data["has_items"] = !page->items.empty();
    data["default_threshold"] = env.config.inventory.low_stock_default;
    if (page->next_cursor) data["next_href"] = "/admin/inventory/low-stock?cursor=" + http::PercentEncode(*page->next_cursor);
    return Render(env, 200, "inventory/low_stock", data);
  }));

  router.Get("/admin/inventory/{sku}", Require(Access::kStaff, [&env](http::Request& request) {
    auto sku = SkuParam(request);
    if (!sku) return MessagePage(env, request, 400, "Inventory", "That is not a SKU.");
    return SkuPage(env, request, *sku, 200, {});
  }));

  router.Post("/admin/inventory/{sku}/adjustments", Require(Access::kStaff, [&env](http::Request& request) {
    auto sku = SkuParam(request);
    if (!sku) return MessagePage(env, request, 400, "Inventory", "That is not a SKU.");
    const auto fields = request.FormFields();
    const std::string delta_text = FormField(fields, "delta");
    const std::string reason = FormField(fields, "reason");
    auto delta = IntField(delta_text);
    Result<StockLevel> done = Error::InvalidInput("invalid delta", {{"delta", "must be a whole number, e.g. 12 or -3"}});
    if (delta) done = env.service.Adjust(*sku, *delta, reason, Actor(request));
    if (!done) {
      json::object extra = FormError(done.error());
      extra["delta"] = delta_text;
      extra["reason"] = reason;
      return SkuPage(env, request, *sku, http::StatusFor(done.error().code), std::move(extra));
    }
    return http::Response::Redirect("/admin/inventory/" + http::PercentEncode(sku->value) + "?saved=1");
  }));

  router.Post("/admin/inventory/{sku}/threshold", Require(Access::kStaff, [&env](http::Request& request) {
    auto sku = SkuParam(request);
    if (!sku) return MessagePage(env, request, 400, "Inventory", "That is not a SKU.");
    const std::string text = FormField(request.FormFields(), "threshold");
    // An empty field goes back to the configured default.
    std::optional<std::int64_t> threshold;
    Result<StockLevel> done = Error::InvalidInput(
        "invalid threshold", {{"threshold", "must be empty (the default) or a whole number from 0"}});
    if (text.empty()) {
      done = env.service.SetLowStockThreshold(*sku, std::nullopt);
    } else if ((threshold = IntField(text))) {
      done = env.service.SetLowStockThreshold(*sku, threshold);
    }
    if (!done) {
      json::object extra = FormError(done.error());
      extra["threshold_input"] = text;
      return SkuPage(env, request, *sku, http::StatusFor(done.error().code), std::move(extra));
    }
    return http::Response::Redirect("/admin/inventory/" + http::PercentEncode(sku->value) + "?saved=1");
  }));
}

}  // namespace shop::inventory
