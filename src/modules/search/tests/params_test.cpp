// The query string of /api/v1/search and /search: every bad value is a
// field error; links rebuild the query string.
#include "http/params.hpp"

#include <doctest/doctest.h>

using namespace shop::search;

namespace {

shop::Result<SearchRequest> Parse(std::string query, bool strict = true) {
  shop::platform::http::Request request;
  request.query_string = std::move(query);
  return ParseSearchParams(request, strict);
}

std::string FirstField(const shop::Result<SearchRequest>& r) {
  REQUIRE_FALSE(r.has_value());
  REQUIRE_FALSE(r.error().fields.empty());
  CHECK(r.error().code == shop::ErrorCode::kInvalidInput);
  return r.error().fields.front().field;
}

}  // namespace

TEST_CASE("every parameter is read") {
  auto r = Parse("q=trail+shoes&category=running-shoes&brand=acme&min_price=100&max_price=9999&in_stock=true"
                 "&sort=price_desc&cursor=abc&limit=50");
  REQUIRE(r.has_value());
  CHECK(r->text == "trail shoes");
  CHECK(r->category == "running-shoes");
  CHECK(r->brand == "acme");
  CHECK(r->min_price == 100);
  CHECK(r->max_price == 9999);
  CHECK(r->in_stock == true);
  CHECK(r->sort == SearchSort::kPriceDesc);
  CHECK(r->cursor == "abc");
  CHECK(r->limit == 50);
  auto defaults = Parse("");
  REQUIRE(defaults.has_value());
  CHECK(defaults->limit == kDefaultLimit);
  CHECK(defaults->sort == SearchSort::kRelevance);
  // Empty select values mean "any".
  auto empty = Parse("q=&category=&brand=&min_price=&in_stock=&sort=");
  REQUIRE(empty.has_value());
  CHECK_FALSE(empty->category);
  CHECK_FALSE(empty->in_stock);
}

TEST_CASE("bad values are field errors") {
  CHECK(FirstField(Parse("min_price=-1")) == "min_price");
  CHECK(FirstField(Parse("max_price=abc")) == "max_price");
  CHECK(FirstField(Parse("min_price=10.5")) == "min_price");
  CHECK(FirstField(Parse("min_price=99999999999999999999")) == "min_price");
  CHECK(FirstField(Parse("min_price=500&max_price=100")) == "min_price");
  CHECK(FirstField(Parse("sort=cheapest")) == "sort");
  CHECK(FirstField(Parse("limit=0")) == "limit");
  CHECK(FirstField(Parse("limit=101")) == "limit");
  CHECK(FirstField(Parse("limit=abc")) == "limit");
  CHECK(FirstField(Parse("in_stock=yes")) == "in_stock");
  CHECK(FirstField(Parse("category=Shoes!")) == "category");
  CHECK(FirstField(Parse("q=" + std::string(kMaxQueryLength + 1, 'a'))) == "q");
  CHECK(FirstField(Parse("q=%FF%FE")) == "q");
  CHECK(FirstField(Parse("q=a%00b")) == "q");
  CHECK(FirstField(Parse("cursor=" + std::string(65, 'a'))) == "cursor");
  CHECK(FirstField(Parse("q=a&q=b")) == "q");
  // Unknown parameters: refused by the API, ignored by the page.
  CHECK(FirstField(Parse("utm_source=x")) == "utm_source");
  CHECK(Parse("utm_source=x", false).has_value());
  // All problems at once.
  auto many = Parse("limit=0&sort=x&min_price=-5");
  REQUIRE_FALSE(many.has_value());
  CHECK(many.error().fields.size() == 3);
}

TEST_CASE("the query string of a request round-trips") {
  SearchRequest r{.text = "trail & \"shoes\"", .category = "shoes", .min_price = 0, .in_stock = false,
                  .sort = SearchSort::kNewest};
  const std::string qs = SearchQueryString(r);
  CHECK(qs == "q=trail+%26+%22shoes%22&category=shoes&min_price=0&in_stock=false&sort=newest");
  auto back = Parse(qs);
  REQUIRE(back.has_value());
  CHECK(back->text == r.text);
  CHECK(back->category == r.category);
  CHECK(back->min_price == 0);
  CHECK(back->in_stock == false);
  CHECK(back->sort == SearchSort::kNewest);
  CHECK(SearchQueryString(SearchRequest{}).empty());
}
