// JSON shapes of carts (DESIGN §5).
#include "http/env.hpp"

#include "platform/clock/iso_time.hpp"
#include "platform/money/money.hpp"
#include "shop/identity/access.hpp"

namespace shop::cart {

namespace json = boost::json;
using platform::money::ToJson;

json::object ShippingOptionJson(const ShippingOption& o) {
  return {{"id", o.id}, {"name", o.name}, {"price", ToJson(o.price)}};
}

json::object CartJson(const Cart& c) {
  json::array lines;
  std::int64_t items = 0;
  for (const CartLine& line : c.lines) {
    json::object options;
    for (const auto& [name, value] : line.options) options[name] = value;
    lines.push_back(json::object{{"sku", line.sku},
                                 {"product_slug", line.product_slug},
                                 {"name", line.name},
                                 {"options", std::move(options)},
                                 {"image_url", line.image_url},
                                 {"quantity", line.quantity},
                                 {"available", line.available},
                                 {"in_stock", line.available >= line.quantity},
                                 {"unit_price", ToJson(line.unit_price)},
                                 {"line_total", ToJson(line.line_total)}});
    items += line.quantity;
  }
  json::object out{{"id", c.id},
                   {"lines", std::move(lines)},
                   {"item_count", items},
                   {"country", c.country},
                   {"subtotal", ToJson(c.subtotal)},
                   {"tax", ToJson(c.tax)},
                   {"total", ToJson(c.total)},
                   {"prices_include_tax", c.prices_include_tax},
                   {"has_short_lines", c.HasShortLines()},
                   {"updated_at", platform::IsoTime(c.updated_at_ms)}};
  // The estimate for `country` with the cheapest (or chosen) method; null
  // when the shop does not ship there.
  out["shipping"] = c.shipping ? ToJson(c.shipping->price) : json::value(nullptr);
  out["shipping_method"] =
      c.shipping ? json::value(json::object{{"id", c.shipping->id}, {"name", c.shipping->name}}) : json::value(nullptr);
  return out;
}

Caller CallerOf(const platform::http::Request& request) {
  Caller caller;
  if (const identity::Principal* p = identity::CurrentPrincipal(request)) caller.customer_id = p->user_id.value;
  return caller;
}

}  // namespace shop::cart
