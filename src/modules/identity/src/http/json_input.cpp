#include "http/json_input.hpp"

#include "shop/identity/identity.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>

namespace shop::identity {

namespace json = boost::json;

Result<JsonInput> JsonInput::Parse(const platform::http::Request& request) {
  auto type = request.Header("Content-Type");
  std::string lowered(type.value_or(""));
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lowered.rfind("application/json", 0) != 0) {
    return Error::InvalidInput("the body must be JSON (Content-Type: application/json)",
                               {{"body", "expected application/json"}});
  }
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 16;
  json::value value = json::parse(request.body, ec, {}, options);
  if (ec) return Error::InvalidInput("the body is not valid JSON", {{"body", "malformed JSON"}});
  if (!value.is_object()) return Error::InvalidInput("the body must be a JSON object", {{"body", "expected an object"}});
  return JsonInput(std::move(value.as_object()));
}

std::optional<std::string> JsonInput::String(std::string_view key, bool required) {
  known_.emplace(key);
  const json::value* value = object_.if_contains(key);
  if (!value) {
    if (required) errors_.push_back({std::string(key), "is required"});
    return std::nullopt;
  }
  if (!value->is_string()) {
    errors_.push_back({std::string(key), "must be a string"});
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::optional<bool> JsonInput::Bool(std::string_view key, bool required) {
  known_.emplace(key);
  const json::value* value = object_.if_contains(key);
  if (!value) {
    if (required) errors_.push_back({std::string(key), "is required"});
    return std::nullopt;
  }
  if (!value->is_bool()) {
    errors_.push_back({std::string(key), "must be true or false"});
    return std::nullopt;
  }
  return value->as_bool();
}

void JsonInput::Ignore(std::string_view key) { known_.emplace(key); }

void JsonInput::Fail(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

Result<void> JsonInput::Finish() {
  for (const auto& entry : object_) {
    if (!known_.contains(std::string_view(entry.key()))) {
      errors_.push_back({std::string(entry.key()), "unknown field"});
    }
  }
  if (errors_.empty()) return {};
  return Error::InvalidInput("the request has invalid fields", std::move(errors_));
}

void CheckPasswordSize(JsonInput& input, std::string_view field, const std::optional<std::string>& password) {
  if (password && password->size() > kMaxPasswordBytes) {
    input.Fail(std::string(field), "must be at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
}

}  // namespace shop::identity
