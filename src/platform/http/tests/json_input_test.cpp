#include "platform/http/json_input.hpp"

#include <doctest/doctest.h>

#include <string>

using shop::platform::http::FindDuplicateKey;
using shop::platform::http::JsonInput;
using shop::platform::http::Request;

namespace {

Request JsonRequest(std::string body, std::string type = "application/json") {
  Request request;
  request.body = std::move(body);
  request.headers.Set("Content-Type", type);
  return request;
}

std::string FieldsOf(const shop::Error& error) {
  std::string out;
  for (const auto& f : error.fields) out += f.field + ":" + f.message + ";";
  return out;
}

}  // namespace

TEST_CASE("JsonInput refuses a body that is not an application/json object") {
  CHECK_FALSE(JsonInput::Parse(JsonRequest("{}", "text/plain")).has_value());
  CHECK_FALSE(JsonInput::Parse(JsonRequest("[1,2]")).has_value());
  CHECK_FALSE(JsonInput::Parse(JsonRequest("{\"a\":")).has_value());
  CHECK(JsonInput::Parse(JsonRequest("{}", "application/json; charset=utf-8")).has_value());
}

TEST_CASE("JsonInput refuses duplicate keys at any depth, and deep nesting") {
  auto top = JsonInput::Parse(JsonRequest(R"({"role":"customer","role":"admin"})"));
  REQUIRE_FALSE(top.has_value());
  CHECK(FieldsOf(top.error()) == "role:appears more than once;");
  CHECK(FindDuplicateKey(R"({"a":{"b":1,"b":2}})") == std::optional<std::string>("b"));
  // The same key in sibling objects is no duplicate.
  CHECK_FALSE(FindDuplicateKey(R"({"a":{"b":1},"c":{"b":2},"d":[{"b":1},{"b":2}]})").has_value());
  std::string deep(40, '[');
  deep += std::string(40, ']');
  CHECK_FALSE(JsonInput::Parse(JsonRequest("{\"a\":" + deep + "}")).has_value());
}

TEST_CASE("JsonInput::Int accepts only in-range integers") {
  auto input = JsonInput::Parse(JsonRequest(
      R"({"ok":5,"float":2.0,"text":"3","big":18446744073709551615,"low":-7,"exp":1e3})"));
  REQUIRE(input.has_value());
  CHECK(input->Int("ok", true, 1, 10) == std::optional<std::int64_t>(5));
  CHECK_FALSE(input->Int("float", true, 1, 10).has_value());
  CHECK_FALSE(input->Int("text", true, 1, 10).has_value());
  CHECK_FALSE(input->Int("big", true, 1, 10).has_value());
  CHECK_FALSE(input->Int("low", true, 1, 10).has_value());
  CHECK_FALSE(input->Int("exp", true, 1, 10).has_value());
  CHECK_FALSE(input->Int("missing", true, 1, 10).has_value());
  auto done = input->Finish();
  REQUIRE_FALSE(done.has_value());
  CHECK(done.error().fields.size() == 6);
}

TEST_CASE("JsonInput::Finish names unknown fields and passes known ones") {
  auto input = JsonInput::Parse(JsonRequest(R"({"name":"x","extra":1,"clear":null})"));
  REQUIRE(input.has_value());
  CHECK(input->String("name", true) == std::optional<std::string>("x"));
  CHECK(input->IsNull("clear"));
  input->Ignore("clear");
  auto done = input->Finish();
  REQUIRE_FALSE(done.has_value());
  CHECK(FieldsOf(done.error()) == "extra:unknown field;");
}
