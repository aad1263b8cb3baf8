#include "platform/http/request.hpp"

#include <doctest/doctest.h>

using namespace shop::platform::http;
using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_CASE("methods parse and print") {
  CHECK(ParseMethod("GET") == Method::kGet);
  CHECK(ParseMethod("PATCH") == Method::kPatch);
  CHECK(ParseMethod("get") == Method::kOther);  // methods are case-sensitive
  CHECK(ParseMethod("PROPFIND") == Method::kOther);
  CHECK(MethodName(Method::kDelete) == "DELETE");
  CHECK(MethodName(Method::kOptions) == "OPTIONS");
}

TEST_CASE("percent decoding") {
  CHECK(PercentDecode("a%20b", false) == "a b");
  CHECK(PercentDecode("a+b", false) == "a+b");
  CHECK(PercentDecode("a+b", true) == "a b");
  CHECK(PercentDecode("%c3%A9", false) == "\xC3\xA9");
  CHECK(PercentDecode("", false) == "");
  CHECK_FALSE(PercentDecode("%", false));
  CHECK_FALSE(PercentDecode("%2", false));
  CHECK_FALSE(PercentDecode("abc%", false));
  CHECK_FALSE(PercentDecode("%zz", false));
  CHECK_FALSE(PercentDecode("%g0", false));
}

TEST_CASE("percent encoding keeps unreserved characters and round-trips") {
  CHECK(PercentEncode("a b/c") == "a%20b%2Fc");
  CHECK(PercentEncode("a b/c", "/") == "a%20b/c");
  CHECK(PercentEncode("AZaz09-._~") == "AZaz09-._~");
  CHECK(PercentEncode("\xC3\xA9&=+%") == "%C3%A9%26%3D%2B%25");
  CHECK(PercentEncode("") == "");
  const std::string all = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) s.push_back(static_cast<char>(c));
    return s;
  }();
  CHECK(PercentDecode(PercentEncode(all), false) == all);
}

TEST_CASE("url-encoded pairs skip malformed entries") {
  CHECK(ParseUrlEncoded("a=1&b=two+words&c=%41") == Pairs{{"a", "1"}, {"b", "two words"}, {"c", "A"}});
  CHECK(ParseUrlEncoded("flag&x=") == Pairs{{"flag", ""}, {"x", ""}});
  CHECK(ParseUrlEncoded("bad=%zz&ok=1&%=2&=3&&") == Pairs{{"ok", "1"}});
  CHECK(ParseUrlEncoded("").empty());
  CHECK(ParseUrlEncoded("k=a=b") == Pairs{{"k", "a=b"}});
}

TEST_CASE("query parameters") {
  Request request;
  request.query_string = "q=blue+mug&limit=20&q=second&bad=%x1&cat=home%2Fkitchen";
  CHECK(request.Query("q") == "blue mug");
  CHECK(request.Query("limit") == "20");
  CHECK(request.Query("cat") == "home/kitchen");
  CHECK_FALSE(request.Query("bad"));
  CHECK_FALSE(request.Query("missing"));
  CHECK(request.QueryParams() ==
        Pairs{{"q", "blue mug"}, {"limit", "20"}, {"q", "second"}, {"cat", "home/kitchen"}});
}

TEST_CASE("cookies") {
  Request request;
  request.headers.Add("Cookie", "session=abc123; theme=\"dark\";  empty=; novalue; x=1=2");
  CHECK(request.Cookie("session") == "abc123");
  CHECK(request.Cookie("theme") == "dark");
  CHECK(request.Cookie("empty") == "");
  CHECK(request.Cookie("x") == "1=2");
  CHECK_FALSE(request.Cookie("novalue"));
  CHECK_FALSE(request.Cookie("Session"));  // names are case-sensitive
  CHECK_FALSE(Request{}.Cookie("session"));

  Request two_headers;
  two_headers.headers.Add("cookie", "a=1");
  two_headers.headers.Add("Cookie", "b=2");
  CHECK(two_headers.Cookie("b") == "2");
}

TEST_CASE("form fields only from a url-encoded body") {
  Request request;
  request.body = "email=a%40b.example&qty=2&bad=%";
  CHECK(request.FormFields().empty());
  request.headers.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8");
  CHECK(request.FormFields() == Pairs{{"email", "a@b.example"}, {"qty", "2"}});
  request.headers.Set("Content-Type", "application/json");
  CHECK(request.FormFields().empty());
}

TEST_CASE("path params and headers") {
  Request request;
  request.path_params = {{"id", "42"}};
  CHECK(request.PathParam("id") == "42");
  CHECK(request.PathParam("other") == "");
  request.headers.Add("X-Thing", "1");
  request.headers.Add("x-thing", "2");
  CHECK(request.Header("X-THING") == "1");
  request.headers.Set("X-Thing", "3");
  CHECK(request.headers.All().size() == 1);
  CHECK(request.Header("x-thing") == "3");
  request.headers.Remove("X-THING");
  CHECK_FALSE(request.headers.Has("x-thing"));
  CHECK(EqualsIgnoreCase("Content-Type", "content-TYPE"));
  CHECK_FALSE(EqualsIgnoreCase("Content-Type", "Content-Typ"));
}

TEST_CASE("request context values are keyed by type") {
  struct Principal {
    std::string user;
  };
  Request request;
  CHECK(request.GetContext<Principal>() == nullptr);
  request.SetContext(std::make_shared<const Principal>(Principal{"ann"}));
  REQUIRE(request.GetContext<Principal>() != nullptr);
  CHECK(request.GetContext<Principal>()->user == "ann");
}
