// The storefront's cart: /cart (lines, quantities, remove, totals, on to
// checkout) and the add-to-cart form the product page posts. Plain forms:
// everything works without JavaScript.
#include "http/env.hpp"

#include "platform/http/form.hpp"
#include "platform/http/request.hpp"
#include "platform/money/money.hpp"
#include "platform/templates/layout.hpp"
#include "shop/identity/access.hpp"

#include <charconv>

namespace shop::cart {

namespace http = platform::http;
using platform::http::FormField;
namespace json = boost::json;
using platform::money::Format;

namespace {

std::optional<std::int64_t> IntField(const std::string& text) {
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return n;
}

http::SetCookie CartCookie(const HttpEnv& env, std::string value, bool remove = false) {
  http::SetCookie cookie{.name = std::string(kCartCookie), .value = std::move(value)};
  cookie.max_age = remove ? std::chrono::seconds(0) : std::chrono::seconds(env.config.cart.ttl_seconds);
  cookie.secure = env.config.http.tls_in_front;
  return cookie;
}

/// The cart this browser works on: the customer's saved cart (merging a
/// guest cart left in the cookie at the first visit after sign-in), or the
/// guest cart named by the cookie; nullopt when a guest has none yet.
/// `cookie_out` is set when the response must change the cookie.
std::optional<Cart> CurrentCart(const HttpEnv& env, const http::Request& request,
                                std::optional<http::SetCookie>& cookie_out) {
  const Caller caller = CallerOf(request);
  auto guest_id = request.Cookie(kCartCookie);
  if (caller.customer_id) {
    if (guest_id) {
      cookie_out = CartCookie(env, "", true);
      auto merged = env.service.BindToCustomer(*guest_id, *caller.customer_id);
      if (merged) return *merged;
    }
    auto saved = env.service.CartOfCustomer(*caller.customer_id);
    if (saved) return *saved;
    return std::nullopt;
  }
  if (!guest_id) return std::nullopt;
  auto cart = env.service.Get(*guest_id, caller);
  if (cart) return *cart;
  cookie_out = CartCookie(env, "", true);  // expired or bogus: forget it
  return std::nullopt;
}

http::Response WithCookie(http::Response response, const std::optional<http::SetCookie>& cookie) {
  if (cookie) response.AddCookie(*cookie);
  return response;
}

http::Response CartPage(const HttpEnv& env, const http::Request& request, int status, const std::string& error) {
  std::optional<http::SetCookie> cookie;
  auto cart = CurrentCart(env, request, cookie);
  json::object data = platform::templates::LayoutData(env.config, env.clock, "Your cart");
  identity::AddNavigation(data, request);
  json::array lines;
  if (cart) {
    for (const CartLine& line : cart->lines) {
      std::string options;
      for (const auto& [name, value] : line.options) options += (options.empty() ? "" : ", ") + name + ": " + value;
      lines.push_back(json::object{{"sku", line.sku},
                                   {"name", line.name},
                                   {"href", "/p/" + http::PercentEncode(line.product_slug)},
                                   {"image_url", line.image_url},
                                   {"options_text", options},
                                   {"quantity", line.quantity},
                                   {"max", env.config.cart.max_quantity},
                                   {"short", line.quantity > line.available},
                                   {"available", line.available},
                                   {"unit_text", Format(line.unit_price)},
                                   {"total_text", Format(line.line_total)},
                                   {"action", "/cart/items/" + http::PercentEncode(line.sku)}});
    }
    data["subtotal_text"] = Format(cart->subtotal);
    data["shipping_text"] = cart->shipping ? Format(cart->shipping->price) : "—";
    data["shipping_name"] = cart->shipping ? cart->shipping->name : "";
    data["tax_text"] = Format(cart->tax);
    data["total_text"] = Format(cart->total);
    data["prices_include_tax"] = cart->prices_include_tax;
    data["country"] = cart->country;
    data["can_checkout"] = !cart->lines.empty() && !cart->HasShortLines();
  }
  data["has_lines"] = !lines.empty();
  data["lines"] = std::move(lines);
  if (!error.empty()) data["form_error"] = error;
  auto response = http::Response::Html(status, env.templates.RenderPage("cart/cart", data));
  response.headers.Set("Cache-Control", "no-store");
  return WithCookie(std::move(response), cookie);
}

std::string Problem(const Error& error) {
  if (error.code == ErrorCode::kOutOfStock && !error.fields.empty()) {
    return "Not enough stock: " + error.fields.front().message + ".";
  }
  if (!error.fields.empty()) return error.fields.front().field + " " + error.fields.front().message;
  return error.detail;
}

}  // namespace

void RegisterPages(http::Router& router, const HttpEnv& env) {
  router.Get("/cart", [&env](http::Request& request) { return CartPage(env, request, 200, ""); });

  router.Post("/cart/items", [&env](http::Request& request) {
    const auto fields = request.FormFields();
    const std::string sku = FormField(fields, "sku");
    auto quantity = IntField(FormField(fields, "quantity"));
    if (!quantity) return CartPage(env, request, 400, "Quantity: a whole number.");
    std::optional<http::SetCookie> cookie;
    auto cart = CurrentCart(env, request, cookie);
    const Caller caller = CallerOf(request);
    if (!cart) {
      auto created = env.service.Create(caller);
      if (!created) return CartPage(env, request, 503, created.error().detail);
      cart = *created;
      if (!caller.customer_id) cookie = CartCookie(env, cart->id);
    }
    auto added = env.service.AddItem(cart->id, caller, sku, *quantity);
    if (!added) {
      auto page = CartPage(env, request, http::StatusFor(added.error().code), Problem(added.error()));
      return WithCookie(std::move(page), cookie);
    }
    return WithCookie(http::Response::Redirect("/cart"), cookie);
  });

  router.Post("/cart/items/{sku}", [&env](http::Request& request) {
    auto quantity = IntField(FormField(request.FormFields(), "quantity"));
    if (!quantity) return CartPage(env, request, 400, "Quantity: a whole number.");
    std::optional<http::SetCookie> cookie;
    auto cart = CurrentCart(env, request, cookie);
    if (!cart) return WithCookie(http::Response::Redirect("/cart"), cookie);
    auto changed = env.service.SetQuantity(cart->id, CallerOf(request), request.PathParam("sku"), *quantity);
    if (!changed) {
      return WithCookie(CartPage(env, request, http::StatusFor(changed.error().code), Problem(changed.error())),
                        cookie);
    }
    return WithCookie(http::Response::Redirect("/cart"), cookie);
  });

  router.Post("/cart/items/{sku}/remove", [&env](http::Request& request) {
    std::optional<http::SetCookie> cookie;
    auto cart = CurrentCart(env, request, cookie);
    if (cart) (void)env.service.RemoveItem(cart->id, CallerOf(request), request.PathParam("sku"));
    return WithCookie(http::Response::Redirect("/cart"), cookie);
  });
}

}  // namespace shop::cart
