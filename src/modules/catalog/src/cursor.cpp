#include "cursor.hpp"

#include "platform/ids/ids.hpp"

#include <charconv>
#include <cstdint>

namespace shop::catalog {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int Index(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}
}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  if (text.size() % 4 == 1) return std::nullopt;
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = Index(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, so every string decodes from one encoding only.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string EncodeCursor(const CursorKey& key) {
  return Base64UrlEncode(std::string(1, key.sort) + "|" + key.id + "|" + key.key);
}

std::optional<CursorKey> DecodeCursor(std::string_view text) {
  if (text.empty() || text.size() > 512) return std::nullopt;
  auto raw = Base64UrlDecode(text);
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
