#include "platform/http/wire.hpp"

#include <doctest/doctest.h>

using namespace shop::platform::http;

namespace {

std::string Head(const Response& response, WireFraming framing = {}) {
  std::string out;
  REQUIRE(AppendResponseHead(response, framing, out));
  // The Date line changes every second; replace it for exact comparisons.
  const auto date = out.find("Date: ");
  REQUIRE(date != std::string::npos);
  out.replace(date, out.find("\r\n", date) - date, "Date: X");
  return out;
}

}  // namespace

TEST_CASE("response head: status line, headers, Date, Content-Length") {
  Response response = Response::Text(200, "hello");
  response.headers.Add("Set-Cookie", "a=1");
  response.headers.Add("Set-Cookie", "b=2");
  CHECK(Head(response) ==
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nSet-Cookie: a=1\r\n"
        "Set-Cookie: b=2\r\nDate: X\r\nContent-Length: 5\r\n\r\n");
}

TEST_CASE("response head: connection framing") {
  CHECK(Head(Response::Text(404, ""), {.close = true}) ==
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nDate: X\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n");
  CHECK(Head(Response::NoContent(), {.keep_alive_header = true}) ==
        "HTTP/1.1 204 No Content\r\nDate: X\r\nConnection: keep-alive\r\n\r\n");
  Response not_modified;
  not_modified.status = 304;
  not_modified.headers.Add("ETag", "\"x\"");
  CHECK(Head(not_modified) == "HTTP/1.1 304 Not Modified\r\nETag: \"x\"\r\nDate: X\r\n\r\n");
}

TEST_CASE("response head: server-owned headers from a handler are replaced") {
  Response response = Response::Text(200, "abc");
  response.headers.Add("Content-Length", "999");
  response.headers.Add("transfer-encoding", "chunked");
  response.headers.Add("Connection", "keep-alive");
  const std::string head = Head(response, {.close = true});
  CHECK(head.find("999") == std::string::npos);
  CHECK(head.find("chunked") == std::string::npos);
  CHECK(head.find("Content-Length: 3\r\n") != std::string::npos);
  CHECK(head.find("Connection: close\r\n") != std::string::npos);
  CHECK(head.find("keep-alive") == std::string::npos);
}

TEST_CASE("response head: header injection and bad statuses are refused") {
  std::string out;
  Response split = Response::Redirect("/x\r\nSet-Cookie: evil=1");
  CHECK_FALSE(AppendResponseHead(split, {}, out));
  Response bad_name;
  bad_name.headers.Add("Bad Name", "v");
  CHECK_FALSE(AppendResponseHead(bad_name, {}, out));
  Response nul;
  nul.headers.Add("X", std::string("a\0b", 3));
  CHECK_FALSE(AppendResponseHead(nul, {}, out));
  Response informational;
  informational.status = 101;
  CHECK_FALSE(AppendResponseHead(informational, {}, out));
  Response huge;
  huge.status = 600;
  CHECK_FALSE(AppendResponseHead(huge, {}, out));
  Response tab;
  tab.headers.Add("X", "a\tb");
  CHECK(AppendResponseHead(tab, {}, out));
}

TEST_CASE("reason phrases and the date format") {
  CHECK(ReasonPhrase(431) == "Request Header Fields Too Large");
  CHECK(ReasonPhrase(413) == "Content Too Large");
  CHECK(ReasonPhrase(299) == "Unknown");
  const std::string_view date = HttpDateNow();
  CHECK(date.size() == 29);
  CHECK(date.substr(25) == " GMT");
  CHECK(date[3] == ',');
}
