// The cart API (DESIGN §5): /api/v1/carts*, /api/v1/me/cart and
// /api/v1/shipping-methods. A cart id is the capability for a guest cart;
// a customer's cart answers only to that customer (anyone else: 404).
#include "http/env.hpp"

#include "platform/http/json_input.hpp"
#include "shop/identity/access.hpp"

namespace shop::cart {

namespace http = platform::http;
namespace json = boost::json;
using identity::Access;
using identity::Require;

namespace {

// Wider than any configured maximum, so an out-of-range quantity is
// reported by the service with the shop's real limit.
constexpr std::int64_t kQuantityBound = 1'000'000;

http::Response CartResponse(const Result<Cart>& cart, const http::Request& request, int status = 200) {
  if (!cart) return http::Response::Problem(cart.error(), request.path);
  return http::Response::Json(status, CartJson(*cart));
}

/// Reads {"quantity"} (and {"sku"} when `with_sku`); the 400 to answer otherwise.
struct ItemInput {
  std::string sku;
  std::int64_t quantity = 0;
};
Result<ItemInput> ReadItem(const http::Request& request, bool with_sku) {
  auto input = http::JsonInput::Parse(request);
  if (!input) return input.error();
  ItemInput item;
  if (with_sku) {
    if (auto sku = input->String("sku", true)) item.sku = *sku;
  }
  if (auto q = input->Int("quantity", true, -kQuantityBound, kQuantityBound)) item.quantity = *q;
  if (auto done = input->Finish(); !done) return done.error();
  return item;
}

}  // namespace

void RegisterApi(http::Router& router, const HttpEnv& env) {
  router.Post("/api/v1/carts", [&env](http::Request& request) {
    // A body is optional and carries nothing today; anything in it is refused.
    if (!request.body.empty()) {
      auto input = http::JsonInput::Parse(request);
      if (!input) return http::Response::Problem(input.error(), request.path);
      if (auto done = input->Finish(); !done) return http::Response::Problem(done.error(), request.path);
    }
    return CartResponse(env.service.Create(CallerOf(request)), request, 201);
  });

  router.Get("/api/v1/carts/{id}", [&env](http::Request& request) {
    const Caller caller = CallerOf(request);
    if (auto country = request.Query("country"); country && !country->empty()) {
      auto cart = env.service.Get(request.PathParam("id"), caller);
      if (!cart) return http::Response::Problem(cart.error(), request.path);
      if (cart->lines.empty()) return http::Response::Json(200, CartJson(*cart));
      return CartResponse(env.service.Quote({std::string(request.PathParam("id")), *country, std::nullopt}, caller),
                          request);
    }
    return CartResponse(env.service.Get(request.PathParam("id"), caller), request);
  });

  router.Post("/api/v1/carts/{id}/items", [&env](http::Request& request) {
    auto item = ReadItem(request, true);
    if (!item) return http::Response::Problem(item.error(), request.path);
    return CartResponse(env.service.AddItem(request.PathParam("id"), CallerOf(request), item->sku, item->quantity),
                        request);
  });

  router.Patch("/api/v1/carts/{id}/items/{sku}", [&env](http::Request& request) {
    auto item = ReadItem(request, false);
    if (!item) return http::Response::Problem(item.error(), request.path);
    return CartResponse(env.service.SetQuantity(request.PathParam("id"), CallerOf(request), request.PathParam("sku"),
                                                item->quantity),
                        request);
  });

  router.Delete("/api/v1/carts/{id}/items/{sku}", [&env](http::Request& request) {
    return CartResponse(env.service.RemoveItem(request.PathParam("id"), CallerOf(request), request.PathParam("sku")),
                        request);
  });

  router.Get("/api/v1/me/cart", Require(Access::kCustomer, [&env](http::Request& request) {
    const std::string customer = *CallerOf(request).customer_id;
    // A browser that shopped as a guest before signing in still carries the
    // guest cart's cookie: merge it now and forget the cookie.
    if (auto guest = request.Cookie(kCartCookie)) {
      auto merged = CartResponse(env.service.BindToCustomer(*guest, customer), request);
      http::SetCookie gone{.name = std::string(kCartCookie), .value = ""};
      gone.max_age = std::chrono::seconds(0);
      merged.AddCookie(gone);
      return merged;
    }
    return CartResponse(env.service.CartOfCustomer(customer), request);
  }));

  router.Get("/api/v1/shipping-methods", [&env](http::Request& request) {
    auto country = request.Query("country");
    if (!country || country->empty()) {
      return http::Response::Problem(Error::InvalidInput("country is required", {{"country", "is required"}}),
                                     request.path);
    }
    auto cart_id = request.Query("cart_id");
    std::optional<std::string_view> cart;
    if (cart_id && !cart_id->empty()) cart = *cart_id;
    auto options = env.service.ShippingOptions(*country, cart);
    if (!options) return http::Response::Problem(options.error(), request.path);
    json::array items;
    for (const ShippingOption& o : *options) items.push_back(ShippingOptionJson(o));
    return http::Response::Json(200, json::object{{"items", std::move(items)}});
  });
}

}  // namespace shop::cart
