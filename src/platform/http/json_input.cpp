#include "platform/http/json_input.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>

namespace shop::platform::http {

namespace json = boost::json;

namespace {

constexpr std::size_t kMaxDepth = 16;

// A SAX handler for json::basic_parser that only remembers the keys of each
// open object, so a duplicate is found in one pass without building values.
struct DuplicateKeyHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::vector<std::set<std::string, std::less<>>> objects;
  std::string key;
  std::optional<std::string> duplicate;

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    objects.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    objects.pop_back();
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t, json::error_code&) { return true; }
  bool on_key_part(json::string_view part, std::size_t, json::error_code&) {
    key.append(part.data(), part.size());
    return true;
  }
  bool on_key(json::string_view part, std::size_t, json::error_code& ec) {
    key.append(part.data(), part.size());
    bool inserted = objects.back().insert(key).second;
    if (!inserted) {
      duplicate = key;
      // Stop parsing: any error code will do, the duplicate is what we report.
      ec = json::error::extra_data;
      return false;
    }
    key.clear();
    return true;
  }
  bool on_string_part(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, json::error_code&) { return true; }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code&) { return true; }
  bool on_double(double, json::string_view, json::error_code&) { return true; }
  bool on_bool(bool, json::error_code&) { return true; }
  bool on_null(json::error_code&) { return true; }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

std::optional<std::string> FindDuplicateKey(std::string_view text) {
  json::parse_options options;
  options.max_depth = kMaxDepth;
  json::basic_parser<DuplicateKeyHandler> parser(options);
  json::error_code ec;
  parser.write_some(false, text.data(), text.size(), ec);
  return parser.handler().duplicate;
}

Result<JsonInput> JsonInput::Parse(const Request& request) {
  auto type = request.Header("Content-Type");
  std::string lowered(type.value_or(""));
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lowered.rfind("application/json", 0) != 0) {
    return Error::InvalidInput("the body must be JSON (Content-Type: application/json)",
                               {{"body", "expected application/json"}});
  }
  return ParseText(request.body);
}

Result<JsonInput> JsonInput::ParseText(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = kMaxDepth;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) return Error::InvalidInput("the body is not valid JSON", {{"body", "malformed JSON"}});
  if (!value.is_object()) return Error::InvalidInput("the body must be a JSON object", {{"body", "expected an object"}});
  if (auto duplicate = FindDuplicateKey(text)) {
    return Error::InvalidInput("the body repeats a key", {{*duplicate, "appears more than once"}});
  }
  return JsonInput(std::move(value.as_object()));
}

const json::value* JsonInput::Lookup(std::string_view key, bool required) {
  known_.emplace(key);
  const json::value* value = object_.if_contains(key);
  if (!value && required) errors_.push_back({std::string(key), "is required"});
  return value;
}

std::optional<std::string> JsonInput::String(std::string_view key, bool required) {
  const json::value* value = Lookup(key, required);
  if (!value) return std::nullopt;
  if (!value->is_string()) {
    errors_.push_back({std::string(key), "must be a string"});
    return std::nullopt;
  }
  return std::string(value->as_string());
}

std::optional<bool> JsonInput::Bool(std::string_view key, bool required) {
  const json::value* value = Lookup(key, required);
  if (!value) return std::nullopt;
  if (!value->is_bool()) {
    errors_.push_back({std::string(key), "must be true or false"});
    return std::nullopt;
  }
  return value->as_bool();
}

std::optional<std::int64_t> JsonInput::Int(std::string_view key, bool required, std::int64_t min,
                                           std::int64_t max) {
  const json::value* value = Lookup(key, required);
  if (!value) return std::nullopt;
  std::optional<std::int64_t> number;
  if (value->is_int64()) number = value->as_int64();
  // A uint64 is above INT64_MAX, so always out of range; a double (2.0, 1e3)
  // is not an integer on the wire.
  if (!number) {
    errors_.push_back({std::string(key), value->is_uint64() ? "is out of range" : "must be an integer"});
    return std::nullopt;
  }
  if (*number < min || *number > max) {
    errors_.push_back({std::string(key), "must be between " + std::to_string(min) + " and " + std::to_string(max)});
    return std::nullopt;
  }
  return number;
}

bool JsonInput::IsNull(std::string_view key) const {
  const json::value* value = object_.if_contains(key);
  return value && value->is_null();
}

const json::value* JsonInput::Value(std::string_view key, bool required) { return Lookup(key, required); }

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

}  // namespace shop::platform::http
