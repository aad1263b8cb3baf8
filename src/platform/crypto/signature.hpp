#pragma once
/// Signed webhook payloads in Stripe's shape (DESIGN §4): the header value
/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. The payment
/// gateway signs with SignPayload; the webhook endpoint checks with
/// VerifySignedPayload before it trusts a byte of the body.
///
/// Thread-safety: both functions are pure and safe to call concurrently.

#include "platform/core/error.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::crypto {

/// Default replay window: a signature older or newer than this is refused.
inline constexpr std::int64_t kSignatureToleranceSeconds = 300;

/// The header value for `body` signed with `secret` at `unix_seconds`.
std::string SignPayload(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

/// Checks a header made by SignPayload against the exact raw `body`.
///
/// The header is a comma-separated list of key=value items. Exactly one `t`
/// is required; every `v1` is a candidate signature; other keys (`v0`, future
/// schemes) are ignored. The signature is accepted when any `v1` matches the
/// HMAC under any of `secrets` (so a secret can be rotated with old and new
/// both live), compared in constant time; then the timestamp must be within
/// `tolerance_s` of `now_unix` either way.
///
/// Errors (all InvalidInput; `detail` says which): "missing signature
/// header", "malformed signature header", "signature header has no
/// timestamp", "signature header has more than one timestamp", "malformed
/// signature timestamp", "signature header has no v1 signature", "no signing
/// secret configured", "no signature matches", "signature timestamp too old",
/// "signature timestamp in the future".
shop::Result<void> VerifySignedPayload(std::string_view header, std::string_view body,
                                       const std::vector<std::string>& secrets, std::int64_t now_unix,
                                       std::int64_t tolerance_s = kSignatureToleranceSeconds);

}  // namespace shop::platform::crypto
