#pragma once
/// base64url without padding (RFC 4648 §5), through libsodium: for tokens
/// and opaque cursors. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace shop::platform::crypto {

std::string Base64UrlEncode(std::string_view bytes);

/// The decoded bytes, or nullopt for anything that is not canonical
/// unpadded base64url (other characters, padding, stray trailing bits).
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace shop::platform::crypto
