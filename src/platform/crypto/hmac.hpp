#pragma once
/// Hashing and MAC primitives over OpenSSL, plus hex and a constant-time
/// comparison. Byte strings travel as std::string / std::string_view holding
/// raw bytes.
///
/// Thread-safety: every function is pure and safe to call concurrently.

#include <optional>
#include <string>
#include <string_view>

namespace shop::platform::crypto {

/// HMAC-SHA256 of `message` under `key` (RFC 2104): 32 raw bytes. Any key
/// length is accepted, including empty. Throws std::runtime_error only if
/// OpenSSL itself fails (out of memory).
std::string HmacSha256(std::string_view key, std::string_view message);

/// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

/// Lower-case hex of raw bytes.
std::string HexEncode(std::string_view bytes);

/// Raw bytes from hex (either case). nullopt on an odd length or a non-hex
/// character.
std::optional<std::string> HexDecode(std::string_view hex);

/// True when `a` and `b` hold the same bytes. The time taken depends only on
/// the lengths, never on where the contents differ (CRYPTO_memcmp), so a MAC
/// check cannot be probed byte by byte. Strings of different lengths compare
/// unequal after the same full-length scan.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace shop::platform::crypto
