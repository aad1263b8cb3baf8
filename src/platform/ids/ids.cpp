#include "platform/ids/ids.hpp"

#include "platform/crypto/base64url.hpp"

#include <sodium.h>

#include <array>
#include <cctype>
#include <stdexcept>

namespace shop::platform {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

RandomIdGenerator::RandomIdGenerator(const Clock& clock) : clock_(clock) { EnsureSodium(); }

std::string RandomIdGenerator::NewId() {
  std::array<unsigned char, 16> b{};
  randombytes_buf(b.data(), b.size());
  std::int64_t ms = clock_.NowMs();
  std::uint16_t seq;
  {
    // A 12-bit counter seeded randomly each millisecond keeps ids from one
    // generator strictly increasing even when many are made per millisecond.
    std::lock_guard lock(mutex_);
    if (ms <= last_ms_) {
      ms = last_ms_;
      if (++counter_ > 0x0FFF) {  // counter exhausted: borrow the next millisecond
        ++ms;
        counter_ = 0;
      }
    } else {
      counter_ = static_cast<std::uint16_t>((b[6] << 8 | b[7]) & 0x07FF);
    }
    last_ms_ = ms;
    seq = counter_;
  }
  for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (8 * (5 - i)));
  b[6] = static_cast<unsigned char>(0x70 | ((seq >> 8) & 0x0F));
  b[7] = static_cast<unsigned char>(seq & 0xFF);
  b[8] = static_cast<unsigned char>(0x80 | (b[8] & 0x3F));  // RFC 9562 variant
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0x0F]);
  }
  return out;
}

std::string RandomIdGenerator::NewToken(std::size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return crypto::Base64UrlEncode(raw);
}

bool LooksLikeUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::int64_t UuidV7Millis(std::string_view id) {
  if (!LooksLikeUuid(id) || id[14] != '7') return 0;
  std::int64_t ms = 0;
  for (char c : id.substr(0, 13)) {
    if (c == '-') continue;
    ms = ms * 16 + (std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
  }
  return ms;
}

}  // namespace shop::platform
