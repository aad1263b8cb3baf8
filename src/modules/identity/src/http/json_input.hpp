#pragma once
// Strict reading of a JSON request body: an object, with each field of the
// expected type, no unknown fields. Every problem is collected so the 400
// lists them all in errors[].

#include "platform/core/error.hpp"
#include "platform/http/request.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shop::identity {

class JsonInput {
 public:
  /// kInvalidInput unless the body is a JSON object sent as application/json.
  static Result<JsonInput> Parse(const platform::http::Request& request);

  /// The string field, or nullopt when absent (an error if `required`) or not a string.
  std::optional<std::string> String(std::string_view key, bool required);
  std::optional<bool> Bool(std::string_view key, bool required);
  /// Accepts the field and ignores its value.
  void Ignore(std::string_view key);
  bool Has(std::string_view key) const { return object_.contains(key); }
  /// Records a field error found by the caller.
  void Fail(std::string field, std::string message);
  /// kInvalidInput listing every field error and every unknown field.
  Result<void> Finish();

 private:
  explicit JsonInput(boost::json::object object) : object_(std::move(object)) {}
  boost::json::object object_;
  std::set<std::string, std::less<>> known_;
  std::vector<FieldError> errors_;
};

/// A password longer than kMaxPasswordBytes is refused before it reaches the
/// (deliberately slow) hash.
void CheckPasswordSize(JsonInput& input, std::string_view field, const std::optional<std::string>& password);

}  // namespace shop::identity
