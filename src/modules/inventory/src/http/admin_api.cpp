// /api/v1/admin/inventory*: the staff API over stock levels, adjustments,
// thresholds and the ledger (DESIGN §5).
#include "http/env.hpp"
#include "platform/http/json_input.hpp"
#include "shop/identity/access.hpp"

namespace shop::inventory {

namespace http = platform::http;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

constexpr int kDefaultLimit = 20;
const Error kBadLimit = Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}});

json::object PageJson(json::array items, const std::optional<std::string>& next_cursor) {
  json::object body{{"items", std::move(items)}};
  body["next_cursor"] = next_cursor ? json::value(*next_cursor) : json::value(nullptr);
  return body;
}

http::Response StockPageResponse(const Result<StockPage>& page, const http::Request& request) {
  if (!page) return http::Response::Problem(page.error(), request.path);
  json::array items;
  for (const StockLevel& level : page->items) items.push_back(StockJson(level));
  return http::Response::Json(200, PageJson(std::move(items), page->next_cursor));
}

}  // namespace

void RegisterAdminApi(http::Router& router, const HttpEnv& env) {
  router.Get("/api/v1/admin/inventory", Require(Access::kStaff, [&env](http::Request& request) {
    auto limit = LimitParam(request, kDefaultLimit);
    if (!limit) return http::Response::Problem(kBadLimit, request.path);
    return StockPageResponse(
        env.service.Search(request.Query("q").value_or(""), *limit, request.Query("cursor").value_or("")), request);
  }));

  // Tracking normally starts when the catalog adds a variant; this lets staff
  // (and tests) track a SKU directly. Idempotent.
  router.Post("/api/v1/admin/inventory", Require(Access::kStaff, [&env](http::Request& request) {
    auto input = http::JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto sku = input->String("sku", true);
    if (sku && !IsValidSku(*sku)) input->Fail("sku", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    auto level = env.service.Track(Sku{*sku});
    if (!level) return http::Response::Problem(level.error(), request.path);
    return http::Response::Json(200, StockJson(*level));
  }));

  router.Get("/api/v1/admin/inventory/low-stock", Require(Access::kStaff, [&env](http::Request& request) {
    auto limit = LimitParam(request, kDefaultLimit);
    if (!limit) return http::Response::Problem(kBadLimit, request.path);
    return StockPageResponse(env.service.LowStock(*limit, request.Query("cursor").value_or("")), request);
  }));

  router.Get("/api/v1/admin/inventory/{sku}", Require(Access::kStaff, [&env](http::Request& request) {
    auto sku = SkuParam(request);
    if (!sku) return http::Response::Problem(sku.error(), request.path);
    auto level = env.service.Get(*sku);
    if (!level) return http::Response::Problem(level.error(), request.path);
    return http::Response::Json(200, StockJson(*level));
  }));

  router.Post("/api/v1/admin/inventory/{sku}/adjustments", Require(Access::kStaff, [&env](http::Request& request) {
    auto sku = SkuParam(request);
    if (!sku) return http::Response::Problem(sku.error(), request.path);
    auto input = http::JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    auto delta = input->Int("delta", true, -kMaxQuantity, kMaxQuantity);
    if (delta && *delta == 0) input->Fail("delta", "must not be 0");
    auto reason = input->String("reason", true);
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    auto level = env.service.Adjust(*sku, *delta, *reason, Actor(request));
    if (!level) return http::Response::Problem(level.error(), request.path);
    return http::Response::Json(200, StockJson(*level));
  }));

  router.Put("/api/v1/admin/inventory/{sku}/threshold", Require(Access::kStaff, [&env](http::Request& request) {
    auto sku = SkuParam(request);
    if (!sku) return http::Response::Problem(sku.error(), request.path);
    auto input = http::JsonInput::Parse(request);
    if (!input) return http::Response::Problem(input.error(), request.path);
    std::optional<std::int64_t> threshold;
    if (input->IsNull("threshold")) {
      input->Ignore("threshold");
    } else {
      threshold = input->Int("threshold", true, 0, kMaxQuantity);
    }
    if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    auto level = env.service.SetLowStockThreshold(*sku, threshold);
    if (!level) return http::Response::Problem(level.error(), request.path);
    return http::Response::Json(200, StockJson(*level));
  }));

  router.Get("/api/v1/admin/inventory/{sku}/ledger", Require(Access::kStaff, [&env](http::Request& request) {
    auto sku = SkuParam(request);
    if (!sku) return http::Response::Problem(sku.error(), request.path);
    auto limit = LimitParam(request, kDefaultLimit);
    if (!limit) return http::Response::Problem(kBadLimit, request.path);
    auto page = env.service.Ledger(*sku, *limit, request.Query("cursor").value_or(""));
    if (!page) return http::Response::Problem(page.error(), request.path);
    json::array items;
    for (const Movement& m : page->items) items.push_back(MovementJson(m));
    return http::Response::Json(200, PageJson(std::move(items), page->next_cursor));
  }));
}

}  // namespace shop::inventory
