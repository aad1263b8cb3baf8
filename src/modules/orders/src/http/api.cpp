// The shopper's API: POST /api/v1/checkout and /api/v1/orders* (DESIGN §5).
#include "http/env.hpp"

#include "platform/http/json_input.hpp"
#include "platform/http/paging.hpp"
#include "platform/money/money.hpp"
#include "shop/identity/access.hpp"
#include "shop/identity/email.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace shop::orders {

namespace http = platform::http;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

constexpr std::size_t kMaxFieldLength = 200;
constexpr std::size_t kMaxIdLength = 128;

/// A required (or optional) text field of at most kMaxFieldLength bytes,
/// trimmed; a blank required one is an error.
std::string TextField(http::JsonInput& input, std::string_view key, bool required, std::string_view prefix) {
  auto value = input.String(key, required);
  if (!value) return {};
  std::string text = *value;
  text.erase(text.begin(), std::find_if(text.begin(), text.end(), [](unsigned char c) { return !std::isspace(c); }));
  text.erase(std::find_if(text.rbegin(), text.rend(), [](unsigned char c) { return !std::isspace(c); }).base(),
             text.end());
  const std::string field = std::string(prefix) + std::string(key);
  if (required && text.empty()) input.Fail(field, "must not be blank");
  if (text.size() > kMaxFieldLength) input.Fail(field, "must be at most 200 characters");
  return text;
}

/// {name, line1, line2, city, postal_code, country}; errors go to `outer`.
Address ReadAddress(const json::value* value, http::JsonInput& outer) {
  Address a;
  if (!value) return a;
  auto nested = http::JsonInput::ParseText(json::serialize(*value));
  if (!nested) {
    outer.Fail("shipping_address", "must be an object");
    return a;
  }
  http::JsonInput& in = *nested;
  a.name = TextField(in, "name", true, "");
  a.line1 = TextField(in, "line1", true, "");
  a.line2 = TextField(in, "line2", false, "");
  a.city = TextField(in, "city", true, "");
  a.postal_code = TextField(in, "postal_code", true, "");
  a.country = TextField(in, "country", true, "");
  for (char& c : a.country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!a.country.empty() &&
      (a.country.size() != 2 || !std::isalpha(static_cast<unsigned char>(a.country[0])) ||
       !std::isalpha(static_cast<unsigned char>(a.country[1])))) {
    in.Fail("country", "must be an ISO 3166 alpha-2 code such as DE");
  }
  if (auto done = in.Finish(); !done) {
    for (const FieldError& f : done.error().fields) outer.Fail("shipping_address." + f.field, f.message);
  }
  return a;
}

Result<CheckoutRequest> ReadCheckout(const http::Request& request) {
  auto input = http::JsonInput::Parse(request);
  if (!input) return input.error();
  CheckoutRequest out;
  out.cart_id = TextField(*input, "cart_id", true, "");
  if (out.cart_id.size() > kMaxIdLength) input->Fail("cart_id", "is not a cart id");
  if (auto email = input->String("email", true)) {
    auto normal = identity::NormalizeEmail(*email);
    if (normal) {
      out.email = *normal;
    } else {
      for (const FieldError& f : normal.error().fields) input->Fail(f.field, f.message);
    }
  }
  out.shipping_address = ReadAddress(input->Value("shipping_address", true), *input);
  if (input->Has("shipping_method") && !input->IsNull("shipping_method")) {
    out.shipping_method = TextField(*input, "shipping_method", true, "");
  } else {
    input->Ignore("shipping_method");
  }
  // Prices, totals and statuses are the server's: a body that carries any
  // is refused as a whole (an unknown field), never half-applied.
  if (auto done = input->Finish(); !done) return done.error();
  return out;
}

json::object PlacedJson(const PlacedOrder& placed) {
  json::object body = OrderJson(placed.order);
  body["payment"] = json::object{{"id", placed.order.payment_id},
                                 {"status", placed.payment_status},
                                 {"amount", platform::money::ToJson(placed.order.total)},
                                 {"client_secret", placed.client_secret}};
  if (placed.guest_token) body["token"] = *placed.guest_token;
  return body;
}

}  // namespace

void RegisterApi(http::Router& router, const HttpEnv& env) {
  router.Post("/api/v1/checkout", [&env](http::Request& request) {
    const Viewer viewer = ViewerOf(request);
    // One client's key never replays to another: a customer's keys are
    // theirs; guests share a scope, and a guest replay needs the same body,
    // which holds the unguessable cart id.
    const std::string scope = viewer.customer_id ? "checkout:" + *viewer.customer_id : "checkout:guest";
    auto created = [](const PlacedOrder& placed) {
      auto response = http::Response::Json(201, PlacedJson(placed));
      response.headers.Set("Location", "/api/v1/orders/" + placed.order.id);
      return response;
    };
    return platform::idempotency::WithIdempotencyKey(
        env.idempotency, request, scope, true, [&](platform::idempotency::Completion& completion) {
          auto checkout = ReadCheckout(request);
          if (!checkout) return http::Response::Problem(checkout.error(), request.path);
          // The response is stored with the order, in its transaction.
          std::optional<http::Response> response;
          checkout->in_transaction = [&](platform::db::Tx& tx, const PlacedOrder& placed) {
            response = created(placed);
            completion.InTransaction(tx, *response);
          };
          auto placed = env.service.Checkout(*checkout, viewer);
          if (!placed) return http::Response::Problem(placed.error(), request.path);
          return response ? *response : created(*placed);
        });
  });

  router.Get("/api/v1/orders", Require(Access::kCustomer, [&env](http::Request& request) {
    auto limit = http::LimitParam(request, 20);
    if (!limit) {
      return http::Response::Problem(
          Error::InvalidInput("invalid limit", {{"limit", "must be an integer from 1 to 100"}}), request.path);
    }
    auto page = env.service.ListForCustomer(ActorOf(request), *limit, request.Query("cursor").value_or(""));
    if (!page) return http::Response::Problem(page.error(), request.path);
    return http::Response::Json(200, OrderPageJson(*page));
  }));

  router.Get("/api/v1/orders/{id}", [&env](http::Request& request) {
    auto order = env.service.Get(request.PathParam("id"), ViewerOf(request));
    if (!order) return http::Response::Problem(order.error(), request.path);
    return http::Response::Json(200, OrderJson(*order));
  });

  router.Get("/api/v1/orders/{id}/timeline", [&env](http::Request& request) {
    auto timeline = env.service.Timeline(request.PathParam("id"), ViewerOf(request));
    if (!timeline) return http::Response::Problem(timeline.error(), request.path);
    json::array items;
    for (const TimelineEntry& e : *timeline) items.push_back(TimelineEntryJson(e));
    return http::Response::Json(200, json::object{{"items", std::move(items)}});
  });

  router.Post("/api/v1/orders/{id}/cancel", [&env](http::Request& request) {
    auto order = env.service.Cancel(request.PathParam("id"), ViewerOf(request), "cancelled by the shopper");
    if (!order) return http::Response::Problem(order.error(), request.path);
    return http::Response::Json(200, OrderJson(*order));
  });
}

}  // namespace shop::orders
