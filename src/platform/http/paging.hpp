#pragma once
/// The `limit` query parameter of cursor-paginated lists (DESIGN §5).

#include "platform/http/request.hpp"

#include <charconv>
#include <optional>

namespace shop::platform::http {

/// `fallback` when the request has no `limit`, nullopt (answer 400) unless
/// it is an integer from 1 to 100.
inline std::optional<int> LimitParam(const Request& request, int fallback) {
  auto text = request.Query("limit");
  if (!text) return fallback;
  int limit = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (ec != std::errc() || end != text->data() + text->size() || limit < 1 || limit > 100) return std::nullopt;
  return limit;
}

}  // namespace shop::platform::http
