#pragma once
/// Reading a submitted HTML form (Request::FormFields) in page handlers.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shop::platform::http {

/// The first value of the form field `name`, or "" when it is absent.
inline std::string FormField(const std::vector<std::pair<std::string, std::string>>& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace shop::platform::http
