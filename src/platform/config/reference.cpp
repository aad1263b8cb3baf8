#include "platform/config/config.hpp"

#include "platform/config/schema.hpp"

#include <fmt/format.h>

namespace shop::platform::config {
namespace {

// A '|' inside a cell would end the cell.
std::string EscapeCell(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::string ReferenceMarkdown() {
  std::string out =
      "| Key | Type | Default | Environment | Meaning |\n"
      "|-----|------|---------|-------------|---------|\n";
  for (const auto& spec : Schema()) {
    out += fmt::format("| `{}` | {} | `{}` | `{}` | {} |\n", spec.key, TypeName(spec.type),
                       EscapeCell(ValueToToml(spec.default_value)), spec.env, EscapeCell(spec.meaning));
  }
  return out;
}

}  // namespace shop::platform::config
