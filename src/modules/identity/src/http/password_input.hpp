#pragma once
// The identity API's JSON input: the platform's strict reader, plus the one
// rule only passwords have.

#include "platform/http/json_input.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace shop::identity {

using platform::http::JsonInput;

/// A password longer than kMaxPasswordBytes is refused before it reaches the
/// (deliberately slow) hash.
void CheckPasswordSize(JsonInput& input, std::string_view field, const std::optional<std::string>& password);

}  // namespace shop::identity
