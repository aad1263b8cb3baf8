#include "platform/http/router.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using namespace shop::platform::http;

namespace {

Handler Named(std::string name) {
  return [name](Request&) { return Response::Text(200, name); };
}

std::string Answer(const RouteMatch& match) {
  REQUIRE(match.kind == RouteMatch::Kind::kFound);
  Request request;
  return match.route->handler(request).body;
}

}  // namespace

TEST_CASE("router captures parameters by name") {
  Router router;
  router.Get("/api/v1/carts/{id}/items/{sku}", Named("item"));
  const RouteMatch match = router.Find(Method::kGet, "/api/v1/carts/c1/items/SKU-9");
  CHECK(Answer(match) == "item");
  REQUIRE(match.params.size() == 2);
  CHECK(match.params[0] == std::pair<std::string, std::string>{"id", "c1"});
  CHECK(match.params[1] == std::pair<std::string, std::string>{"sku", "SKU-9"});
  CHECK(match.route->pattern == "/api/v1/carts/{id}/items/{sku}");
}

TEST_CASE("a literal segment beats a parameter, the parameter still matches the rest") {
  Router router;
  router.Get("/products/{slug}", Named("param"));
  router.Get("/products/new", Named("literal"));
  CHECK(Answer(router.Find(Method::kGet, "/products/new")) == "literal");
  CHECK(Answer(router.Find(Method::kGet, "/products/blue-mug")) == "param");
}

TEST_CASE("the router backtracks to a parameter when the literal branch has no route") {
  Router router;
  router.Get("/a/b/c", Named("abc"));
  router.Get("/a/{x}/d", Named("xd"));
  const RouteMatch match = router.Find(Method::kGet, "/a/b/d");
  CHECK(Answer(match) == "xd");
  CHECK(match.params.at(0).second == "b");
}

TEST_CASE("a literal path without the method falls through to a parameter route that has it") {
  Router router;
  router.Get("/orders/export", Named("export"));
  router.Post("/orders/{id}", Named("post-order"));
  CHECK(Answer(router.Find(Method::kPost, "/orders/export")) == "post-order");
}

TEST_CASE("wrong method yields 405 with the allowed methods, HEAD implied by GET") {
  Router router;
  router.Get("/livez", Named("livez"));
  router.Delete("/livez", Named("delete"));
  const RouteMatch match = router.Find(Method::kPost, "/livez");
  CHECK(match.kind == RouteMatch::Kind::kMethodNotAllowed);
  CHECK(match.route == nullptr);
  CHECK(match.allowed == std::vector<Method>{Method::kGet, Method::kHead, Method::kDelete});
}

TEST_CASE("405 allow list is the union over every pattern matching the path") {
  Router router;
  router.Get("/x/{id}", Named("get"));
  router.Put("/x/special", Named("put"));
  const RouteMatch match = router.Find(Method::kPatch, "/x/special");
  CHECK(match.kind == RouteMatch::Kind::kMethodNotAllowed);
  CHECK(match.allowed == std::vector<Method>{Method::kGet, Method::kHead, Method::kPut});
}

TEST_CASE("HEAD falls back to GET, an explicit HEAD route wins") {
  Router router;
  router.Get("/a", Named("get-a"));
  router.Get("/b", Named("get-b"));
  router.Add(Method::kHead, "/b", Named("head-b"));
  CHECK(Answer(router.Find(Method::kHead, "/a")) == "get-a");
  CHECK(Answer(router.Find(Method::kHead, "/b")) == "head-b");
}

TEST_CASE("unknown paths are not found") {
  Router router;
  router.Get("/a/{id}", Named("a"));
  CHECK(router.Find(Method::kGet, "/b").kind == RouteMatch::Kind::kNotFound);
  CHECK(router.Find(Method::kGet, "/a").kind == RouteMatch::Kind::kNotFound);
  CHECK(router.Find(Method::kGet, "/a/1/2").kind == RouteMatch::Kind::kNotFound);
  CHECK(router.Find(Method::kGet, "").kind == RouteMatch::Kind::kNotFound);
  CHECK(router.Find(Method::kGet, "a/1").kind == RouteMatch::Kind::kNotFound);
}

TEST_CASE("trailing slashes are significant: /a/ is not /a, and patterns cannot end in /") {
  Router router;
  router.Get("/", Named("root"));
  router.Get("/a", Named("a"));
  router.Get("/p/{id}", Named("p"));
  CHECK(Answer(router.Find(Method::kGet, "/")) == "root");
  CHECK(Answer(router.Find(Method::kGet, "/a")) == "a");
  CHECK(router.Find(Method::kGet, "/a/").kind == RouteMatch::Kind::kNotFound);
  CHECK(router.Find(Method::kGet, "/p/").kind == RouteMatch::Kind::kNotFound);
  CHECK(router.Find(Method::kGet, "//a").kind == RouteMatch::Kind::kNotFound);
  CHECK_THROWS_AS(router.Get("/b/", Named("b")), std::invalid_argument);
}

TEST_CASE("a {name...} tail captures the rest of the path, lowest priority") {
  Router router;
  router.Get("/static/{path...}", Named("tail"));
  router.Get("/static/robots.txt", Named("literal"));
  const RouteMatch match = router.Find(Method::kGet, "/static/css/site.css");
  CHECK(Answer(match) == "tail");
  CHECK(match.params.at(0) == std::pair<std::string, std::string>{"path", "css/site.css"});
  CHECK(Answer(router.Find(Method::kGet, "/static/robots.txt")) == "literal");
  CHECK(router.Find(Method::kGet, "/static/").kind == RouteMatch::Kind::kNotFound);
  CHECK(router.Find(Method::kGet, "/static").kind == RouteMatch::Kind::kNotFound);
}

TEST_CASE("percent-encoded segments: the router sees the decoded path") {
  // The server percent-decodes the path before routing, so a parameter holds
  // decoded text and an encoded slash (%2F) separates segments like '/'.
  Router router;
  router.Get("/products/{slug}", Named("product"));
  const auto decoded = PercentDecode("/products/caf%C3%A9%20mug", false);
  REQUIRE(decoded);
  const RouteMatch match = router.Find(Method::kGet, *decoded);
  CHECK(Answer(match) == "product");
  CHECK(match.params.at(0).second == "caf\xC3\xA9 mug");
  const auto slash = PercentDecode("/products/a%2Fb", false);
  CHECK(router.Find(Method::kGet, *slash).kind == RouteMatch::Kind::kNotFound);
}

TEST_CASE("duplicate and malformed patterns throw invalid_argument") {
  Router router;
  router.Get("/a/{id}", Named("a"));
  CHECK_THROWS_AS(router.Get("/a/{id}", Named("again")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/a/{other}", Named("same shape")), std::invalid_argument);
  CHECK_NOTHROW(router.Post("/a/{id}", Named("other method")));
  CHECK_THROWS_AS(router.Get("", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("no-slash", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/a//b", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/a/{}", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/a/{id", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/a/x{id}", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/a/{i-d}", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/b/{id}/{id}", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/c/{rest...}/x", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Add(Method::kOther, "/d", Named("x")), std::invalid_argument);
  CHECK_THROWS_AS(router.Get("/e", Handler{}), std::invalid_argument);
}

TEST_CASE("routes keep registration order and dense indexes") {
  Router router;
  router.Get("/one", Named("1"));
  router.Post("/two", Named("2"), RouteOptions{.blocking = false, .body_limit = 10});
  REQUIRE(router.Routes().size() == 2);
  CHECK(router.Routes()[0]->index == 0);
  CHECK(router.Routes()[1]->index == 1);
  CHECK(router.Routes()[1]->method == Method::kPost);
  CHECK_FALSE(router.Routes()[1]->options.blocking);
  CHECK(router.Routes()[1]->options.body_limit == 10);
  CHECK(router.Find(Method::kPost, "/two").route == router.Routes()[1].get());
}
