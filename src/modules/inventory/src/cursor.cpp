#include "cursor.hpp"

#include "platform/crypto/base64url.hpp"

namespace shop::inventory {

namespace {
// Positions are a SKU or a ledger id with a number: far below this.
constexpr std::size_t kMaxCursor = 200;
}  // namespace

std::string EncodeCursor(std::string_view position) { return platform::crypto::Base64UrlEncode(position); }

std::optional<std::string> DecodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > kMaxCursor) return std::nullopt;
  auto text = platform::crypto::Base64UrlDecode(cursor);
  if (!text || text->empty()) return std::nullopt;
  for (unsigned char c : *text) {
    if (c < 0x20 || c > 0x7e) return std::nullopt;
  }
  return text;
}

Error InvalidCursor() { return Error::InvalidInput("invalid cursor", {{"cursor", "is not a cursor this server issued"}}); }

}  // namespace shop::inventory
