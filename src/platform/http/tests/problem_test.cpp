#include "platform/http/response.hpp"

#include <doctest/doctest.h>
#include <boost/json/parse.hpp>

#include <stdexcept>

using namespace shop;
using namespace shop::platform::http;

TEST_CASE("the error to status table") {
  CHECK(StatusFor(ErrorCode::kInvalidInput) == 400);
  CHECK(StatusFor(ErrorCode::kUnauthenticated) == 401);
  CHECK(StatusFor(ErrorCode::kForbidden) == 403);
  CHECK(StatusFor(ErrorCode::kNotFound) == 404);
  CHECK(StatusFor(ErrorCode::kConflict) == 409);
  CHECK(StatusFor(ErrorCode::kOutOfStock) == 409);
  CHECK(StatusFor(ErrorCode::kPreconditionFailed) == 412);
  CHECK(StatusFor(ErrorCode::kPayloadTooLarge) == 413);
  CHECK(StatusFor(ErrorCode::kUnprocessable) == 422);
  CHECK(StatusFor(ErrorCode::kTooManyRequests) == 429);
  CHECK(StatusFor(ErrorCode::kUnavailable) == 503);
  CHECK(StatusFor(ErrorCode::kInternal) == 500);
}

TEST_CASE("problem+json carries type, title, status, detail, instance and field errors") {
  const Response response = Response::Problem(
      Error::InvalidInput("the cart is not valid", {{"/quantity", "must be positive"}, {"/sku", "unknown"}}),
      "/api/v1/carts/1/items");
  CHECK(response.status == 400);
  CHECK(response.headers.Get("Content-Type") == "application/problem+json");
  const auto body = boost::json::parse(response.body).as_object();
  CHECK(body.at("type").as_string() == "/problems/invalid-input");
  CHECK(body.at("title").as_string() == "Invalid input");
  CHECK(body.at("status").as_int64() == 400);
  CHECK(body.at("detail").as_string() == "the cart is not valid");
  CHECK(body.at("instance").as_string() == "/api/v1/carts/1/items");
  const auto& errors = body.at("errors").as_array();
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].as_object().at("field").as_string() == "/quantity");
  CHECK(errors[0].as_object().at("message").as_string() == "must be positive");
}

TEST_CASE("problem+json omits empty members, out-of-stock keeps its own type") {
  const Response response = Response::Problem(Error{ErrorCode::kOutOfStock, "", {}});
  CHECK(response.status == 409);
  const auto body = boost::json::parse(response.body).as_object();
  CHECK(body.at("type").as_string() == "/problems/out-of-stock");
  CHECK(body.at("status").as_int64() == 409);
  CHECK_FALSE(body.contains("detail"));
  CHECK_FALSE(body.contains("instance"));
  CHECK_FALSE(body.contains("errors"));
}

TEST_CASE("response helpers") {
  const Response json = Response::Json(201, boost::json::object{{"id", "x"}});
  CHECK(json.status == 201);
  CHECK(json.headers.Get("Content-Type") == "application/json");
  CHECK(json.body == R"({"id":"x"})");
  CHECK(Response::Html(200, "<p>").headers.Get("Content-Type") == "text/html; charset=utf-8");
  CHECK(Response::Text(200, "hi").headers.Get("Content-Type") == "text/plain; charset=utf-8");
  const Response none = Response::NoContent();
  CHECK(none.status == 204);
  CHECK(none.body.empty());
  const Response redirect = Response::Redirect("/cart");
  CHECK(redirect.status == 303);
  CHECK(redirect.headers.Get("Location") == "/cart");
  CHECK(Response::Redirect("/x", 302).status == 302);
}

TEST_CASE("cookies are formatted with their attributes and refused when malformed") {
  Response response;
  response.AddCookie({.name = "sid", .value = "abc", .max_age = std::chrono::seconds(3600), .secure = true});
  response.AddCookie(
      {.name = "gone", .value = "", .max_age = std::chrono::seconds(0), .same_site = "Strict"});
  const auto& all = response.headers.All();
  REQUIRE(all.size() == 2);
  CHECK(all[0].second == "sid=abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax");
  CHECK(all[1].second ==
        "gone=; Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict");
  const auto cookie = [](std::string name, std::string value) {
    SetCookie c;
    c.name = std::move(name);
    c.value = std::move(value);
    return c;
  };
  CHECK_THROWS_AS(response.AddCookie(cookie("a b", "1")), std::invalid_argument);
  CHECK_THROWS_AS(response.AddCookie(cookie("a", "x;y")), std::invalid_argument);
  CHECK_THROWS_AS(response.AddCookie(cookie("a", "x\r\nSet-Cookie: y")), std::invalid_argument);
  CHECK_THROWS_AS(response.AddCookie(cookie("", "1")), std::invalid_argument);
}
