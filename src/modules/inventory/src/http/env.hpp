#pragma once
// What the inventory routes and pages share, valid for the module's lifetime,
// and the small pieces both of them use.

#include "platform/clock/iso_time.hpp"
#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/paging.hpp"
#include "platform/http/router.hpp"
#include "platform/templates/templates.hpp"
#include "shop/inventory/inventory.hpp"

namespace shop::inventory {

struct HttpEnv {
  const platform::config::Config& config;
  const platform::Clock& clock;
  const platform::templates::Templates& templates;
  InventoryService& service;
};

/// {"sku","on_hand","reserved","available","low_stock_threshold","low"}.
boost::json::object StockJson(const StockLevel& level);
/// A ledger row; "at" as ISO 8601 UTC.
boost::json::object MovementJson(const Movement& movement);
/// Milliseconds since the epoch as "2026-01-31T12:00:00.000Z".
using platform::IsoTime;

using platform::http::LimitParam;

/// The {sku} path parameter, or the 400 to answer for a malformed one.
Result<Sku> SkuParam(const platform::http::Request& request);

/// The signed-in principal's user id (routes are staff-only), for the ledger's actor.
std::string Actor(const platform::http::Request& request);

void RegisterAdminApi(platform::http::Router& router, const HttpEnv& env);
void RegisterAdminPages(platform::http::Router& router, const HttpEnv& env);

}  // namespace shop::inventory
