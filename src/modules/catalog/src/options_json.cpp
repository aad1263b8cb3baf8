#include "options_json.hpp"

#include <boost/json.hpp>

namespace shop::catalog {

namespace json = boost::json;

std::string OptionsJson(const OptionValues& values) {
  json::array out;
  for (const auto& [name, value] : values) out.push_back(json::array{json::string(name), json::string(value)});
  return json::serialize(out);
}

OptionValues ParseOptions(std::string_view text) {
  OptionValues out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& pair : v.as_array()) {
    if (!pair.is_array() || pair.as_array().size() != 2) continue;
    const auto& a = pair.as_array();
    if (!a[0].is_string() || !a[1].is_string()) continue;
    out.emplace_back(std::string(a[0].as_string()), std::string(a[1].as_string()));
  }
  return out;
}

json::value OptionsObject(const OptionValues& values) {
  json::object out;
  for (const auto& [name, value] : values) out[name] = value;
  return out;
}

std::optional<OptionValues> OptionsFromJson(const json::value& value, std::string& error) {
  if (!value.is_object()) {
    error = "must be an object of strings";
    return std::nullopt;
  }
  OptionValues out;
  for (const auto& [key, v] : value.as_object()) {
    if (!v.is_string()) {
      error = "must be an object of strings";
      return std::nullopt;
    }
    out.emplace_back(std::string(key), std::string(v.as_string()));
  }
  return out;
}

std::string SortName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace shop::catalog
