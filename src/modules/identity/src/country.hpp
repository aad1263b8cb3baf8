#pragma once
// ISO 3166-1 alpha-2 country codes, for validating addresses.

#include <string_view>

namespace shop::identity {

/// True for one of the 249 officially assigned ISO 3166-1 alpha-2 codes,
/// upper-case ("DE", "US"); false for anything else, lower-case included.
bool IsCountryCode(std::string_view code);

}  // namespace shop::identity
