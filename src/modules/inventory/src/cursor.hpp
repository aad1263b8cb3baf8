#pragma once
// Listing cursors: opaque to clients (base64url of the position text), so
// nobody builds them by hand and the position format can change.

#include <optional>
#include <string>
#include <string_view>

#include "platform/core/error.hpp"

namespace shop::inventory {

std::string EncodeCursor(std::string_view position);
/// The position text, or nullopt for anything this server did not issue.
std::optional<std::string> DecodeCursor(std::string_view cursor);
Error InvalidCursor();

}  // namespace shop::inventory
