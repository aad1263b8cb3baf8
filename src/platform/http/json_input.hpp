#pragma once
/// Strict reading of a JSON request body, shared by every module's API: the
/// body must be an application/json object with no duplicate keys (nesting
/// at most 16 deep), each field of the expected type, and no unknown fields.
/// Every problem is collected so the 400 lists them all in errors[]:
///
///   auto input = JsonInput::Parse(request);
///   if (!input) return Response::Problem(input.error(), request.path);
///   auto name = input->String("name", true);
///   auto delta = input->Int("delta", true, -1'000'000, 1'000'000);
///   if (auto done = input->Finish(); !done) return Response::Problem(done.error(), request.path);
///
/// Not thread-safe (one per request).

#include "platform/core/error.hpp"
#include "platform/http/request.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::http {

class JsonInput {
 public:
  /// kInvalidInput unless the body is a JSON object sent as application/json
  /// with no key repeated within one object.
  static Result<JsonInput> Parse(const Request& request);
  /// The same rules for a body already read (tests, nested documents).
  static Result<JsonInput> ParseText(std::string_view text);

  /// The string field, or nullopt when absent (an error if `required`) or not a string.
  std::optional<std::string> String(std::string_view key, bool required);
  std::optional<bool> Bool(std::string_view key, bool required);
  /// An integer in [min, max]. 2.0, "2", 1e3 and out-of-range values are
  /// errors (never truncated or wrapped).
  std::optional<std::int64_t> Int(std::string_view key, bool required, std::int64_t min, std::int64_t max);
  /// True when the field is present and JSON null (for "clear this" updates).
  bool IsNull(std::string_view key) const;
  /// The raw value of a nested field (object or array) for the caller to
  /// read; nullptr when absent (an error if `required`).
  const boost::json::value* Value(std::string_view key, bool required);
  /// Accepts the field and ignores its value.
  void Ignore(std::string_view key);
  bool Has(std::string_view key) const { return object_.contains(key); }
  /// Records a field error found by the caller.
  void Fail(std::string field, std::string message);
  /// kInvalidInput listing every field error and every unknown field.
  Result<void> Finish();

 private:
  explicit JsonInput(boost::json::object object) : object_(std::move(object)) {}
  const boost::json::value* Lookup(std::string_view key, bool required);

  boost::json::object object_;
  std::set<std::string, std::less<>> known_;
  std::vector<FieldError> errors_;
};

/// Null when `text` is JSON with no key repeated within one object, else the
/// repeated key. Boost.JSON keeps the last of duplicate keys silently; a
/// request whose meaning depends on which one a reader takes is refused.
std::optional<std::string> FindDuplicateKey(std::string_view text);

}  // namespace shop::platform::http
