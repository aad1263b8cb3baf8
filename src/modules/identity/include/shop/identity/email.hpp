#pragma once
/// The one e-mail address policy of the shop: how an address typed by a user
/// becomes the key of an account (and the contact of an order).
///
/// Steps: trim ASCII whitespace, Unicode NFC, lower-case, then require ASCII.
/// Requiring ASCII is deliberate: a lookalike such as a dotless ı (U+0131) or a
/// fullwidth ＠ (U+FF20) can never name, collide with or impersonate an
/// existing account, because it is refused outright. Characters whose NFC is
/// ASCII (the Kelvin sign U+212A becomes 'K', then 'k') become the very same
/// address, which is correct: they are canonically the same text.

#include <string>
#include <string_view>

#include "platform/core/error.hpp"

namespace shop::identity {

inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxEmailLocalBytes = 64;

/// The normalised address, or kInvalidInput with field "email" for malformed
/// UTF-8, non-ASCII after NFC, anything but exactly one '@', an empty or
/// over-long (> 64) local part, a local part outside RFC 5322 dot-atoms, a
/// domain without a dot or with a label outside [a-z0-9-] (or starting or
/// ending with '-'), or more than 254 bytes in all.
Result<std::string> NormalizeEmail(std::string_view raw);

}  // namespace shop::identity
