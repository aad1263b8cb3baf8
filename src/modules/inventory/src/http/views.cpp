// JSON shapes of levels and movements, and the request readers the API and
// pages share.
#include <fmt/format.h>

#include <charconv>
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

std::string IsoTime(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

std::optional<int> LimitParam(const http::Request& request, int fallback) {
  auto text = request.Query("limit");
  if (!text) return fallback;
  int limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > 100) return std::nullopt;
  return limit;
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
