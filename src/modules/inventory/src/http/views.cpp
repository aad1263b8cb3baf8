// JSON shapes of levels and movements, and the request readers the API and
// pages share.
#include <fmt/format.h>

#include <ctime>

#include "http/env.hpp"
#include "shop/identity/access.hpp"

namespace shop::inventory {

namespace json = boost::json;
namespace http = platform::http;

json::object StockJson(const StockLevel& level) {
  return {{"sku", level.sku.value},
          {"on_hand", level.on_hand},
          {"reserved", level.reserved},
          {"available", level.available},
          {"low_stock_threshold", level.low_stock_threshold},
          {"low", level.low()}};
}

json::object MovementJson(const Movement& m) {
  return {{"id", m.id},
          {"sku", m.sku.value},
          {"kind", MovementKindName(m.kind)},
          {"on_hand_delta", m.on_hand_delta},
          {"reserved_delta", m.reserved_delta},
          {"on_hand_after", m.on_hand_after},
          {"reserved_after", m.reserved_after},
          {"reason", m.reason},
          {"actor", m.actor},
          {"order_id", m.order_id.empty() ? json::value(nullptr) : json::value(m.order_id)},
          {"at", IsoTime(m.at_ms)}};
}

Result<Sku> SkuParam(const http::Request& request) {
  Sku sku{std::string(request.PathParam("sku"))};
  if (!IsValidSku(sku.value)) {
    return Error::InvalidInput("invalid SKU",
                               {{"sku", "must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'"}});
  }
  return sku;
}

std::string Actor(const http::Request& request) {
  const identity::Principal* principal = identity::CurrentPrincipal(request);
  return principal ? principal->user_id.value : std::string("system");
}

}  // namespace shop::inventory
