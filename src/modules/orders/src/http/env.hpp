#pragma once
// What the orders routes and pages share, valid for the module's lifetime,
// and the pieces both use.

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/router.hpp"
#include "platform/idempotency/idempotency.hpp"
#include "platform/templates/templates.hpp"
#include "shop/cart/cart.hpp"
#include "shop/identity/identity.hpp"
#include "shop/orders/orders.hpp"
#include "shop/payments/payments.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace shop::orders {

struct HttpEnv {
  const platform::config::Config& config;
  const platform::Clock& clock;
  const platform::templates::Templates& templates;
  platform::idempotency::IdempotencyStore& idempotency;
  OrdersService& service;
  // The storefront's checkout pages read the cart, confirm the card with
  // payments, and offer the signed-in customer's address book.
  cart::CartService& cart;
  payments::PaymentsService& payments;
  identity::IdentityService& identity;
};

/// DESIGN §5's order shape: {id, number, status, email, lines, subtotal,
/// shipping, tax, total, refunded, shipping_address, shipping_method,
/// payment: {id}, created_at, ...}. Lists leave `lines` out when `with_lines` is false.
boost::json::object OrderJson(const Order& order, bool with_lines = true);
boost::json::object TimelineEntryJson(const TimelineEntry& entry);
/// {"items": [...], "next_cursor": ...}.
boost::json::object OrderPageJson(const OrderPage& page);

/// The cookie a guest's browser keeps the order token in (Path=/orders/{id}).
inline constexpr std::string_view kOrderTokenCookie = "order_token";

/// Who is asking, from the request's principal and X-Order-Token (or, on
/// the order's own pages, the order-token cookie).
Viewer ViewerOf(const platform::http::Request& request);
/// The signed-in principal's user id ("" for anonymous).
std::string ActorOf(const platform::http::Request& request);

void RegisterApi(platform::http::Router& router, const HttpEnv& env);
void RegisterAdminApi(platform::http::Router& router, const HttpEnv& env);
void RegisterAdminPages(platform::http::Router& router, const HttpEnv& env);
void RegisterStorefrontPages(platform::http::Router& router, const HttpEnv& env);

/// Page data shared by the orders pages: the layout's fields and navigation.
boost::json::object PageData(const HttpEnv& env, const platform::http::Request& request, std::string_view title);
/// An order for a template: OrderJson plus display strings (money
/// formatted, status label and badge class, dates).
boost::json::object OrderView(const Order& order);
/// Renders a page as personal: orders, carts and tokens are never cached.
platform::http::Response Render(const HttpEnv& env, int status, std::string_view name, const boost::json::object& data);
/// A refused form's error as one message: the field messages or the detail.
std::string FormErrorMessage(const Error& error);

}  // namespace shop::orders
