// The shopper's pages: /checkout (address, shipping method, the mock
// gateway's card form — one server-side form, no JavaScript needed), the
// order page that follows the payment (/orders/{id}), a card retry after a
// decline, a cancel before payment, and the order history in the account.
#include "http/env.hpp"

#include "platform/http/form.hpp"
#include "platform/http/request.hpp"
#include "platform/money/money.hpp"
#include "shop/identity/access.hpp"
#include "shop/identity/email.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace shop::orders {

namespace http = platform::http;
using platform::http::FormField;
namespace json = boost::json;
using identity::Access;
using identity::Require;
using platform::money::Format;

namespace {

constexpr std::string_view kDefaultCountry = "DE";
constexpr std::chrono::seconds kOrderCookieAge{30 * 86'400};

std::string Trim(std::string s) {
  auto blank = [](unsigned char c) { return std::isspace(c) != 0; };
  s.erase(s.begin(), std::find_if_not(s.begin(), s.end(), blank));
  s.erase(std::find_if_not(s.rbegin(), s.rend(), blank).base(), s.end());
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

int IntOr(std::string_view s, int fallback) {
  int v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && end == s.data() + s.size() ? v : fallback;
}

std::string OrderHref(std::string_view id) { return "/orders/" + http::PercentEncode(id); }

http::Response Message(const HttpEnv& env, const http::Request& request, int status, std::string_view heading,
                       std::string_view message) {
  json::object data = PageData(env, request, heading);
  data["heading"] = heading;
  data["message"] = message;
  return Render(env, status, "orders/message", data);
}

/// The caller's cart id: the signed-in customer's saved cart, else the
/// guest cookie's.
std::optional<std::string> CartIdOf(const HttpEnv& env, const http::Request& request) {
  if (const identity::Principal* p = identity::CurrentPrincipal(request)) {
    if (auto saved = env.cart.CartOfCustomer(p->user_id.value)) return saved->id;
    return std::nullopt;
  }
  return request.Cookie(cart::kCartCookie);
}

json::object CartView(const cart::Cart& c) {
  json::array lines;
  for (const cart::CartLine& line : c.lines) {
    std::string options;
    for (const auto& [name, value] : line.options) options += (options.empty() ? "" : ", ") + name + ": " + value;
    lines.push_back(json::object{{"name", line.name},
                                 {"sku", line.sku},
                                 {"options_text", options},
                                 {"quantity", line.quantity},
                                 {"short", line.quantity > line.available},
                                 {"available", line.available},
                                 {"total_text", Format(line.line_total)}});
  }
  json::object v{{"lines", std::move(lines)},
                 {"subtotal_text", Format(c.subtotal)},
                 {"tax_text", Format(c.tax)},
                 {"total_text", Format(c.total)},
                 {"prices_include_tax", c.prices_include_tax}};
  v["shipping_text"] = c.shipping ? Format(c.shipping->price) : "—";
  return v;
}

/// What the checkout form holds, typed in or prefilled.
struct CheckoutForm {
  std::string email, name, line1, line2, city, postal_code, country, shipping_method;
  std::string card_number, exp_month, exp_year, cvc, idempotency_key;
};

CheckoutForm ReadForm(const http::Request& request) {
  const auto f = request.FormFields();
  return CheckoutForm{.email = Trim(FormField(f, "email")),
                      .name = Trim(FormField(f, "name")),
                      .line1 = Trim(FormField(f, "line1")),
                      .line2 = Trim(FormField(f, "line2")),
                      .city = Trim(FormField(f, "city")),
                      .postal_code = Trim(FormField(f, "postal_code")),
                      .country = Upper(Trim(FormField(f, "country"))),
                      .shipping_method = Trim(FormField(f, "shipping_method")),
                      .card_number = Digits(FormField(f, "card_number")),
                      .exp_month = Trim(FormField(f, "exp_month")),
                      .exp_year = Trim(FormField(f, "exp_year")),
                      .cvc = Trim(FormField(f, "cvc")),
                      .idempotency_key = FormField(f, "idempotency_key")};
}

/// The checkout page: the cart priced for `form.country`, the methods
/// offered there, and the form (echoing what was typed when refused).
http::Response CheckoutPage(const HttpEnv& env, const http::Request& request, CheckoutForm form, int status,
                            const std::string& error) {
  auto cart_id = CartIdOf(env, request);
  const cart::Caller caller{identity::CurrentPrincipal(request)
                                ? std::optional<std::string>(identity::CurrentPrincipal(request)->user_id.value)
                                : std::nullopt};
  if (form.country.empty()) form.country = std::string(kDefaultCountry);
  std::optional<cart::Cart> quote;
  std::string quote_error;
  if (cart_id) {
    auto q = env.cart.Quote(cart::QuoteRequest{.cart_id = *cart_id,
                                               .country = form.country,
                                               .shipping_method = form.shipping_method.empty()
                                                                      ? std::nullopt
                                                                      : std::optional(form.shipping_method)},
                            caller);
    if (q) {
      quote = *q;
    } else {
      quote_error = q.error().code == ErrorCode::kInvalidInput ? FormErrorMessage(q.error()) : "";
    }
  }
  if ((!quote || quote->lines.empty()) && quote_error.empty()) {
    json::object data = PageData(env, request, "Checkout");
    data["empty"] = true;
    return Render(env, 200, "orders/checkout", data);
  }
  json::object data = PageData(env, request, "Checkout");
  if (quote) data["cart"] = CartView(*quote);
  json::array methods;
  if (auto options = env.cart.ShippingOptions(form.country, cart_id ? std::optional<std::string_view>(*cart_id)
                                                                    : std::nullopt)) {
    const std::string chosen = quote && quote->shipping ? quote->shipping->id : "";
    for (const cart::ShippingOption& o : *options) {
      methods.push_back(json::object{{"id", o.id},
                                     {"name", o.name},
                                     {"price_text", Format(o.price)},
                                     {"selected", o.id == chosen}});
    }
  }
  data["has_methods"] = !methods.empty();
  data["methods"] = std::move(methods);
  data["form"] = json::object{{"email", form.email},   {"name", form.name},
                              {"line1", form.line1},   {"line2", form.line2},
                              {"city", form.city},     {"postal_code", form.postal_code},
                              {"country", form.country}, {"exp_month", form.exp_month},
                              {"exp_year", form.exp_year}};
  // A fresh key per rendered form: a double submit replays the first order.
  data["idempotency_key"] = form.idempotency_key.empty() ? request.request_id : form.idempotency_key;
  if (!error.empty()) data["form_error"] = error;
  if (!quote_error.empty()) data["form_error"] = quote_error;
  return Render(env, status, "orders/checkout", data);
}

/// Fills name, address and e-mail from the signed-in customer's profile and
/// default address.
void Prefill(const HttpEnv& env, const http::Request& request, CheckoutForm& form) {
  const identity::Principal* p = identity::CurrentPrincipal(request);
  if (!p) return;
  form.email = p->email;
  auto addresses = env.identity.ListAddresses(p->user_id);
  if (!addresses || addresses->empty()) return;
  const identity::Address* pick = &addresses->front();
  for (const identity::Address& a : *addresses) {
    if (a.is_default) pick = &a;
  }
  form.name = pick->name;
  form.line1 = pick->line1;
  form.line2 = pick->line2;
  form.city = pick->city;
  form.postal_code = pick->postal_code;
  form.country = pick->country;
}

payments::CardDetails Card(const CheckoutForm& form) {
  return payments::CardDetails{.number = form.card_number,
                               .exp_month = IntOr(form.exp_month, 0),
                               .exp_year = IntOr(form.exp_year, 0),
                               .cvc = form.cvc};
}

/// A problem with the card fields before anything is sent, or "".
std::string CardProblem(const CheckoutForm& form) {
  if (form.card_number.size() < 12 || form.card_number.size() > 19) return "Card number: 12 to 19 digits.";
  const int month = IntOr(form.exp_month, 0);
  if (month < 1 || month > 12) return "Expiry month: 1 to 12.";
  if (IntOr(form.exp_year, 0) < 2000) return "Expiry year: four digits, such as 2030.";
  if (form.cvc.size() < 3 || form.cvc.size() > 4 || Digits(form.cvc) != form.cvc) return "CVC: 3 or 4 digits.";
  return {};
}

/// The order page: status, lines, totals, and what the shopper can do now.
http::Response ShopperOrderPage(const HttpEnv& env, const http::Request& request, std::string_view id, int status,
                         const std::string& error) {
  auto order = env.service.Get(id, ViewerOf(request));
  if (!order) return Message(env, request, 404, "Order not found", "There is no such order, or it is not yours.");
  json::object data = PageData(env, request, fmt::format("Order {}", order->number));
  json::object view = OrderView(*order);
  const OrderStatus s = order->status;
  const bool pending = s == OrderStatus::kPendingPayment;
  view["pending"] = pending;
  view["on_hold"] = s == OrderStatus::kOnHold;
  view["paid"] = s == OrderStatus::kPaid || s == OrderStatus::kShipped || s == OrderStatus::kDelivered;
  view["cancelled"] = s == OrderStatus::kCancelled;
  view["expired"] = s == OrderStatus::kExpired;
  view["can_cancel"] = pending || s == OrderStatus::kOnHold;
  if (pending) {
    auto payment = env.payments.GetByOrder(order->id);
    const bool awaits_card = payment && payment->status == payments::PaymentStatus::kRequiresPaymentMethod;
    view["awaits_card"] = awaits_card;
    view["processing"] = !awaits_card;
    if (awaits_card && !payment->last_error.empty()) {
      view["decline"] = payment->last_error == "insufficient_funds"
                            ? "Your card was declined: insufficient funds. Try another card."
                            : "Your card was declined. Check the details or try another card.";
    }
  }
  if (s == OrderStatus::kCancelled) {
    if (auto timeline = env.service.Timeline(order->id, ViewerOf(request)); timeline && !timeline->empty()) {
      view["reason"] = timeline->back().note;
    }
  }
  data["order"] = std::move(view);
  data["href"] = OrderHref(order->id);
  if (!error.empty()) data["form_error"] = error;
  return Render(env, status, "orders/order", data);
}

}  // namespace

void RegisterStorefrontPages(http::Router& router, const HttpEnv& env) {
  router.Get("/checkout", [&env](http::Request& request) {
    CheckoutForm form;
    Prefill(env, request, form);
    // "Update" re-renders for another country or method without placing anything.
    if (auto country = request.Query("country"); country && !country->empty()) form.country = Upper(*country);
    if (auto method = request.Query("shipping_method")) form.shipping_method = *method;
    return CheckoutPage(env, request, form, 200, "");
  });

  router.Post("/checkout", [&env](http::Request& request) {
    CheckoutForm form = ReadForm(request);
    auto cart_id = CartIdOf(env, request);
    if (!cart_id) return CheckoutPage(env, request, form, 409, "Your cart is empty.");
    if (std::string problem = CardProblem(form); !problem.empty()) {
      return CheckoutPage(env, request, form, 400, problem);
    }
    auto email = identity::NormalizeEmail(form.email);
    if (!email) return CheckoutPage(env, request, form, 400, "E-mail: " + FormErrorMessage(email.error()));
    if (form.name.empty() || form.line1.empty() || form.city.empty() || form.postal_code.empty() ||
        form.country.size() != 2) {
      return CheckoutPage(env, request, form, 400,
                          "Name, address, city, postal code and a two-letter country are required.");
    }
    if (!platform::idempotency::IsValidKey(form.idempotency_key)) {
      return CheckoutPage(env, request, form, 400, "The form is stale; please submit it again.");
    }
    const Viewer viewer = ViewerOf(request);
    // The form's key makes a double submit (or a reload of the POST)
    // replay the first answer instead of placing a second order. The card
    // is not part of the stored answer: only the redirect is.
    const std::string scope = "checkout-form:" + *cart_id;
    auto claim = env.idempotency.Begin(scope, form.idempotency_key, *cart_id);
    if (claim.kind == platform::idempotency::ClaimKind::kReplay && claim.stored) {
      return http::Response::Redirect(claim.stored->location);
    }
    if (claim.kind != platform::idempotency::ClaimKind::kFresh) {
      return CheckoutPage(env, request, form, 409, "This order is already being placed; wait a moment.");
    }
    CheckoutRequest checkout{.cart_id = *cart_id,
                             .email = *email,
                             .shipping_address = Address{.name = form.name.substr(0, 200),
                                                         .line1 = form.line1.substr(0, 200),
                                                         .line2 = form.line2.substr(0, 200),
                                                         .city = form.city.substr(0, 200),
                                                         .postal_code = form.postal_code.substr(0, 200),
                                                         .country = form.country},
                             .shipping_method = form.shipping_method.empty()
                                                    ? std::nullopt
                                                    : std::optional(form.shipping_method)};
    auto placed = env.service.Checkout(checkout, viewer);
    if (!placed) {
      env.idempotency.Abandon(scope, form.idempotency_key);
      std::string message = placed.error().detail;
      if (placed.error().code == ErrorCode::kOutOfStock) {
        message = "Not enough stock for:";
        for (const FieldError& f : placed.error().fields) message += " " + f.field + " (" + f.message + ")";
      }
      return CheckoutPage(env, request, form, http::StatusFor(placed.error().code), message);
    }
    const std::string href = OrderHref(placed->order.id);
    env.idempotency.Complete(scope, form.idempotency_key, {.status = 303, .content_type = "", .location = href, .body = ""});
    // The card goes to the gateway now; its answer (and later webhook)
    // moves the payment. A decline or an outage shows on the order page,
    // which offers the card form again.
    (void)env.payments.Confirm(placed->order.payment_id, placed->client_secret, Card(form));
    auto response = http::Response::Redirect(href);
    if (placed->guest_token) {
      response.AddCookie(http::SetCookie{.name = std::string(kOrderTokenCookie),
                                         .value = *placed->guest_token,
                                         .path = href,
                                         .max_age = kOrderCookieAge,
                                         .http_only = true,
                                         .secure = env.config.http.tls_in_front,
                                         .same_site = "Lax"});
    }
    return response;
  });

  router.Get("/orders/{id}", [&env](http::Request& request) {
    return ShopperOrderPage(env, request, request.PathParam("id"), 200, "");
  });

  router.Post("/orders/{id}/pay", [&env](http::Request& request) {
    auto order = env.service.Get(request.PathParam("id"), ViewerOf(request));
    if (!order) return Message(env, request, 404, "Order not found", "There is no such order, or it is not yours.");
    CheckoutForm form = ReadForm(request);
    if (std::string problem = CardProblem(form); !problem.empty()) {
      return ShopperOrderPage(env, request, order->id, 400, problem);
    }
    auto intent = env.payments.Get(order->payment_id);
    if (!intent) return ShopperOrderPage(env, request, order->id, 409, "This order's payment is not open any more.");
    auto confirmed = env.payments.Confirm(intent->id, intent->client_secret, Card(form));
    if (!confirmed && confirmed.error().code == ErrorCode::kUnavailable) {
      return ShopperOrderPage(env, request, order->id, 503, "The payment provider is unavailable; try again in a moment.");
    }
    return http::Response::Redirect(OrderHref(order->id));
  });

  router.Post("/orders/{id}/cancel", [&env](http::Request& request) {
    auto cancelled = env.service.Cancel(request.PathParam("id"), ViewerOf(request), "cancelled by the shopper");
    if (!cancelled && cancelled.error().code == ErrorCode::kNotFound) {
      return Message(env, request, 404, "Order not found", "There is no such order, or it is not yours.");
    }
    if (!cancelled) {
      return ShopperOrderPage(env, request, request.PathParam("id"), http::StatusFor(cancelled.error().code),
                       cancelled.error().detail);
    }
    return http::Response::Redirect(OrderHref(cancelled->id));
  });

  router.Get("/account/orders", Require(Access::kCustomer, [&env](http::Request& request) {
    json::object data = PageData(env, request, "Your orders");
    auto page = env.service.ListForCustomer(identity::CurrentPrincipal(request)->user_id.value, 25,
                                            request.Query("cursor").value_or(""));
    if (!page) return Message(env, request, 400, "Your orders", page.error().detail);
    json::array rows;
    for (const Order& o : page->items) {
      json::object row = OrderView(o);
      row["href"] = OrderHref(o.id);
      rows.push_back(std::move(row));
    }
    data["has_items"] = !rows.empty();
    data["orders"] = std::move(rows);
    if (page->next_cursor) data["next_href"] = "/account/orders?cursor=" + http::PercentEncode(*page->next_cursor);
    return Render(env, 200, "orders/history", data);
  }));
}

}  // namespace shop::orders
