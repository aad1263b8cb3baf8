#include "platform/http/middleware_chain.hpp"

#include <doctest/doctest.h>
#include <boost/json/parse.hpp>

using namespace shop::platform::http;

namespace {

Middleware Tag(std::string name, std::vector<std::string>& trace) {
  return [name, &trace](Request& request, const Next& next) {
    trace.push_back("in:" + name);
    Response response = next(request);
    trace.push_back("out:" + name);
    response.headers.Add("X-Tag", name);
    return response;
  };
}

}  // namespace

TEST_CASE("middlewares wrap every route, first one outermost") {
  std::vector<std::string> trace;
  Router router;
  router.Get("/a", [&](Request&) {
    trace.push_back("handler");
    return Response::Text(200, "a");
  });
  router.Post("/b", [](Request&) { return Response::Text(201, "b"); });
  MiddlewareChains chains(router, {Tag("outer", trace), Tag("inner", trace)});

  Request request;
  const Response response = chains.For(*router.Routes()[0])(request);
  CHECK(response.body == "a");
  CHECK(trace == std::vector<std::string>{"in:outer", "in:inner", "handler", "out:inner", "out:outer"});
  CHECK(chains.For(*router.Routes()[1])(request).status == 201);
}

TEST_CASE("a middleware can short-circuit the chain") {
  Router router;
  router.Get("/a", [](Request&) { return Response::Text(200, "a"); });
  MiddlewareChains chains(router, {[](Request&, const Next&) { return Response::Text(429, "slow down"); }});
  Request request;
  CHECK(chains.For(*router.Routes()[0])(request).status == 429);
}

TEST_CASE("404 and 405 answers also pass through the middlewares") {
  std::vector<std::string> trace;
  Router router;
  MiddlewareChains chains(router, {Tag("outer", trace)});
  Request request;
  request.path = "/nope";
  const Response missing = chains.NotFound()(request);
  CHECK(missing.status == 404);
  CHECK(missing.headers.Get("X-Tag") == "outer");
  CHECK(missing.headers.Get("Content-Type") == "application/problem+json");
  CHECK(boost::json::parse(missing.body).as_object().at("instance").as_string() == "/nope");

  request.method = Method::kPost;
  const Response wrong = chains.MethodNotAllowed()(request);
  CHECK(wrong.status == 405);
  const auto body = boost::json::parse(wrong.body).as_object();
  CHECK(body.at("type").as_string() == "/problems/method-not-allowed");
  CHECK(body.at("status").as_int64() == 405);
}

TEST_CASE("no middlewares: the chain is the handler itself") {
  Router router;
  router.Get("/a", [](Request&) { return Response::Text(200, "a"); });
  MiddlewareChains chains(router, {});
  Request request;
  CHECK(chains.For(*router.Routes()[0])(request).body == "a");
  CHECK(chains.NotFound()(request).status == 404);
}
