#include "platform/http/middleware.hpp"

#include <doctest/doctest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>

#include <sstream>
#include <stdexcept>

using namespace shop::platform::http;

namespace {

Response Run(const Middleware& middleware, Request& request, const Handler& handler) {
  return middleware(request, handler);
}

Response Ok(Request&) { return Response::Text(200, "ok"); }

}  // namespace

TEST_CASE("request id: a valid incoming id is kept and echoed") {
  Request request;
  request.headers.Add("X-Request-Id", "abc.DEF_123-x");
  const Response response = Run(RequestContext(), request, Ok);
  CHECK(request.request_id == "abc.DEF_123-x");
  CHECK(response.headers.Get("X-Request-Id") == "abc.DEF_123-x");
}

TEST_CASE("request id: invalid incoming ids are replaced by a generated one") {
  for (const std::string& bad :
       {std::string(""), std::string("has space"), std::string("semi;colon"), std::string("new\nline"),
        std::string(129, 'a'), std::string("caf\xC3\xA9")}) {
    Request request;
    request.headers.Add("X-Request-Id", bad);
    const Response response = Run(RequestContext(), request, Ok);
    CHECK(request.request_id != bad);
    CHECK(IsValidRequestId(request.request_id));
    CHECK(response.headers.Get("X-Request-Id") == request.request_id);
  }
  CHECK(IsValidRequestId(std::string(128, 'a')));
}

TEST_CASE("request id: generated when absent, unique") {
  Request first;
  Request second;
  Run(RequestContext(), first, Ok);
  Run(RequestContext(), second, Ok);
  CHECK(first.request_id.size() == 32);
  CHECK(first.request_id != second.request_id);
}

TEST_CASE("traceparent: valid headers are parsed") {
  const auto parsed = ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  REQUIRE(parsed);
  CHECK(parsed->trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(parsed->parent_id == "00f067aa0ba902b7");
  CHECK(parsed->flags == "01");

  Request request;
  request.headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  Run(RequestContext(), request, Ok);
  CHECK(request.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_CASE("traceparent: invalid headers are refused and a trace id is generated") {
  const char* bad[] = {
      "",
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",   // all-zero trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",   // all-zero parent id
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",   // upper-case hex
      "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // unknown version
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",   // forbidden version
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",    // short trace id
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-",  // trailing junk
      "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",   // wrong separators
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",   // not hex
  };
  for (const char* header : bad) {
    CAPTURE(header);
    CHECK_FALSE(ParseTraceparent(header));
    Request request;
    request.headers.Add("traceparent", header);
    Run(RequestContext(), request, Ok);
    CHECK(request.trace_id.size() == 32);
    CHECK(request.trace_id != "00000000000000000000000000000000");
    CHECK(request.trace_id != "4bf92f3577b34da6a3ce929d0e0e4736");
  }
}

TEST_CASE("security headers are added unless the handler set them") {
  Request request;
  const Response plain = Run(SecurityHeaders(), request, Ok);
  CHECK(plain.headers.Get("X-Content-Type-Options") == "nosniff");
  CHECK(plain.headers.Get("X-Frame-Options") == "DENY");
  CHECK(plain.headers.Get("Referrer-Policy") == "strict-origin-when-cross-origin");
  CHECK(plain.headers.Get("Content-Security-Policy") == kDefaultContentSecurityPolicy);

  const Response custom = Run(SecurityHeaders(), request, [](Request&) {
    Response response = Response::Html(200, "<p>");
    response.headers.Set("Content-Security-Policy", "default-src 'none'");
    return response;
  });
  CHECK(custom.headers.Get("Content-Security-Policy") == "default-src 'none'");
  int csp_count = 0;
  for (const auto& [name, value] : custom.headers.All())
    csp_count += EqualsIgnoreCase(name, "content-security-policy");
  CHECK(csp_count == 1);
}

TEST_CASE("error boundary answers 500 with the request id and logs, never leaking the exception") {
  std::ostringstream log;
  auto previous = spdlog::default_logger();
  auto logger =
      std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  spdlog::set_default_logger(logger);

  Request request;
  request.request_id = "req-42";
  request.path = "/boom";
  const Response response = Run(ErrorBoundary(), request, [](Request&) -> Response {
    throw std::runtime_error("SELECT secret FROM users failed at /srv/db.cpp:12");
  });
  spdlog::set_default_logger(previous);

  CHECK(response.status == 500);
  CHECK(response.headers.Get("Content-Type") == "application/problem+json");
  CHECK(response.body.find("SELECT") == std::string::npos);
  const auto body = boost::json::parse(response.body).as_object();
  CHECK(body.at("detail").as_string() == "internal error, request id req-42");
  CHECK(body.at("type").as_string() == "/problems/internal");
  CHECK(log.str().find("req-42") != std::string::npos);
  CHECK(log.str().find("SELECT secret") != std::string::npos);
}

TEST_CASE("error boundary passes normal responses through and catches non-standard throws") {
  Request request;
  CHECK(Run(ErrorBoundary(), request, Ok).status == 200);
  auto quiet = std::make_shared<spdlog::logger>("quiet");
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(quiet);
  const Response response = Run(ErrorBoundary(), request, [](Request&) -> Response { throw 7; });
  spdlog::set_default_logger(previous);
  CHECK(response.status == 500);
}

TEST_CASE("platform middlewares compose in the recommended order") {
  const auto chain = PlatformMiddlewares();
  REQUIRE(chain.size() == 3);
  // Compose outermost first, as the server does.
  Handler handler = [](Request&) -> Response { throw std::logic_error("bug"); };
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    handler = [mw = *it, next = handler](Request& r) { return mw(r, next); };
  }
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(std::make_shared<spdlog::logger>("quiet"));
  Request request;
  const Response response = handler(request);
  spdlog::set_default_logger(previous);
  CHECK(response.status == 500);
  CHECK(response.headers.Get("X-Request-Id") == request.request_id);
  CHECK(response.headers.Get("X-Frame-Options") == "DENY");
  CHECK(response.body.find(request.request_id) != std::string::npos);
}
