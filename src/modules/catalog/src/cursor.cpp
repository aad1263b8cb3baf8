#include "cursor.hpp"

#include "platform/crypto/base64url.hpp"
#include "platform/ids/ids.hpp"

#include <charconv>
#include <cstdint>

namespace shop::catalog {

std::string EncodeCursor(const CursorKey& key) {
  return platform::crypto::Base64UrlEncode(std::string(1, key.sort) + "|" + key.id + "|" + key.key);
}

std::optional<CursorKey> DecodeCursor(std::string_view text) {
  if (text.empty() || text.size() > 512) return std::nullopt;
  auto raw = platform::crypto::Base64UrlDecode(text);
  if (!raw || raw->size() < 4 || (*raw)[1] != '|') return std::nullopt;
  CursorKey key;
  key.sort = (*raw)[0];
  if (key.sort != 'n' && key.sort != 'a' && key.sort != 'd' && key.sort != 'm') return std::nullopt;
  auto bar = raw->find('|', 2);
  if (bar == std::string::npos) return std::nullopt;
  key.id = raw->substr(2, bar - 2);
  key.key = raw->substr(bar + 1);
  if (!platform::LooksLikeUuid(key.id)) return std::nullopt;
  if (key.sort != 'm') {
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(key.key.data(), key.key.data() + key.key.size(), n);
    if (ec != std::errc() || end != key.key.data() + key.key.size() || key.key.empty()) return std::nullopt;
  }
  return key;
}

}  // namespace shop::catalog
