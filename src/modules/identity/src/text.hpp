#pragma once
// Text checks shared by the e-mail, name and address rules.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace shop::identity {

/// `s` without leading and trailing ASCII whitespace (space, \t, \r, \n, \f, \v).
std::string_view TrimAscii(std::string_view s);

/// NFC of `s`, or nullopt when `s` is not valid UTF-8 (overlong forms,
/// surrogates and truncated sequences included).
std::optional<std::string> NormalizeNfc(std::string_view s);

/// Code points in valid UTF-8 `s`.
std::size_t CodePointCount(std::string_view s);

/// True when `s` holds a control character (C0, DEL or C1), which no name or
/// address line may carry.
bool HasControl(std::string_view s);

/// Trims, requires valid UTF-8 without control characters, normalises to NFC
/// and bounds the length in code points. nullopt with `why` set otherwise.
std::optional<std::string> CleanText(std::string_view raw, std::size_t min_chars, std::size_t max_chars,
                                     std::string& why);

}  // namespace shop::identity
