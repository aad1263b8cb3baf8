#pragma once
// What the cart routes and pages share, valid for the module's lifetime.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/router.hpp"
#include "platform/templates/templates.hpp"
#include "shop/cart/cart.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace shop::cart {

struct HttpEnv {
  const platform::config::Config& config;
  const platform::Clock& clock;
  const platform::templates::Templates& templates;
  CartService& service;
};

/// DESIGN §5's cart: {id, lines: [{sku, name, quantity, unit_price,
/// line_total, ...}], subtotal, shipping, tax, total, ...}.
boost::json::object CartJson(const Cart& cart);
boost::json::object ShippingOptionJson(const ShippingOption& option);

/// The signed-in principal as a cart caller.
Caller CallerOf(const platform::http::Request& request);

void RegisterApi(platform::http::Router& router, const HttpEnv& env);
void RegisterPages(platform::http::Router& router, const HttpEnv& env);

}  // namespace shop::cart
