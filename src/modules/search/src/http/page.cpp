// GET /search: the storefront results page. Plain links and one GET form,
// so every filter, the sort and the next page work without JavaScript.
#include "http/env.hpp"
#include "platform/templates/layout.hpp"
#include "http/params.hpp"
#include "shop/identity/access.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include <ctime>

namespace shop::search {

namespace http = platform::http;
namespace json = boost::json;
using platform::money::Money;

namespace {

std::string Href(const SearchRequest& r) {
  const std::string qs = SearchQueryString(r);
  return qs.empty() ? "/search" : "/search?" + qs;
}

std::string PriceLabel(const PriceBand& band, const platform::money::Currency& currency) {
  const std::string low = platform::money::Format(Money{band.min, currency});
  if (!band.max) return low + " and up";
  return low + " – " + platform::money::Format(Money{*band.max, currency});
}

json::object BaseData(const HttpEnv& env, const http::Request& request, std::string_view title) {
  json::object data = platform::templates::LayoutData(env.config, env.clock, title);
  identity::AddNavigation(data, request);
  return data;
}

json::array FacetLinks(const std::vector<FacetValue>& values, const SearchRequest& r,
                       std::optional<std::string> SearchRequest::*field) {
  json::array out;
  for (const auto& v : values) {
    SearchRequest next = r;
    const bool selected = r.*field == v.value;
    next.*field = selected ? std::nullopt : std::optional(v.value);
    out.push_back(json::object{{"label", v.label}, {"count", v.count}, {"href", Href(next)}, {"selected", selected}});
  }
  return out;
}

void AddResults(json::object& data, const SearchRequest& r, const SearchPage& page,
                const platform::money::Currency& currency) {
  json::array items;
  for (const auto& item : page.items) {
    items.push_back(json::object{{"name", item.name},
                                 {"href", "/p/" + item.slug},
                                 {"brand", item.brand ? item.brand->name : ""},
                                 {"price", platform::money::Format(item.price)},
                                 {"image", item.image},
                                 {"in_stock", item.in_stock}});
  }
  data["items"] = std::move(items);
  data["total"] = page.total;
  data["has_results"] = !page.items.empty();
  data["plural"] = page.total != 1;
  if (!page.did_you_mean.empty()) {
    SearchRequest suggestion = r;
    suggestion.text = page.did_you_mean;
    data["did_you_mean"] = json::object{{"text", page.did_you_mean}, {"href", Href(suggestion)}};
  }
  data["corrected"] = page.corrected;

  json::array groups;
  auto group = [&groups](const char* title, json::array values) {
    if (!values.empty()) groups.push_back(json::object{{"title", title}, {"values", std::move(values)}});
  };
  group("Category", FacetLinks(page.categories, r, &SearchRequest::category));
  group("Brand", FacetLinks(page.brands, r, &SearchRequest::brand));
  json::array price;
  for (const auto& band : page.price) {
    SearchRequest next = r;
    const bool selected = r.min_price == band.min && r.max_price == band.max;
    next.min_price = selected ? std::nullopt : std::optional(band.min);
    next.max_price = selected ? std::nullopt : band.max;
    price.push_back(json::object{{"label", PriceLabel(band, currency)},
                                 {"count", band.count},
                                 {"href", Href(next)},
                                 {"selected", selected}});
  }
  group("Price", std::move(price));
  json::array stock;
  for (const auto& v : page.in_stock) {
    SearchRequest next = r;
    const bool value = v.value == "true";
    const bool selected = r.in_stock == value;
    next.in_stock = selected ? std::nullopt : std::optional(value);
    stock.push_back(json::object{{"label", v.label}, {"count", v.count}, {"href", Href(next)}, {"selected", selected}});
  }
  group("Availability", std::move(stock));
  data["facet_groups"] = std::move(groups);

  if (page.next_cursor) {
    const std::string qs = SearchQueryString(r);
    std::string href = "/search?" + qs + (qs.empty() ? "" : "&") + "cursor=" + *page.next_cursor;
    if (r.limit != kDefaultLimit) href += "&limit=" + std::to_string(r.limit);
    data["next_href"] = href;
  }
}

// The request's filters as hidden fields, so the sort form keeps them.
json::array HiddenFilters(const SearchRequest& r) {
  json::array hidden;
  auto add = [&hidden](const char* name, std::string value) {
    hidden.push_back(json::object{{"name", name}, {"value", std::move(value)}});
  };
  if (r.category) add("category", *r.category);
  if (r.brand) add("brand", *r.brand);
  if (r.min_price) add("min_price", std::to_string(*r.min_price));
  if (r.max_price) add("max_price", std::to_string(*r.max_price));
  if (r.in_stock) add("in_stock", *r.in_stock ? "true" : "false");
  return hidden;
}

json::array SortOptions(const SearchRequest& r) {
  static const std::pair<SearchSort, const char*> kOptions[] = {{SearchSort::kRelevance, "Best match"},
                                                                {SearchSort::kPriceAsc, "Price: low to high"},
                                                                {SearchSort::kPriceDesc, "Price: high to low"},
                                                                {SearchSort::kNewest, "Newest"}};
  json::array out;
  for (const auto& [sort, label] : kOptions) {
    out.push_back(json::object{{"value", SearchSortName(sort)}, {"label", label}, {"selected", r.sort == sort}});
  }
  return out;
}

}  // namespace

void RegisterSearchPage(http::Router& router, const HttpEnv& env) {
  router.Get("/search", [&env](http::Request& request) {
    auto params = ParseSearchParams(request, /*strict=*/false);
    const SearchRequest r = params ? *params : SearchRequest{};
    json::object data = BaseData(env, request, r.text.empty() ? "Search" : fmt::format("Search: {}", r.text));
    data["q"] = r.text;
    data["sorts"] = SortOptions(r);
    data["hidden"] = HiddenFilters(r);
    if (r.category || r.brand || r.min_price || r.max_price || r.in_stock) {
      SearchRequest unfiltered;
      unfiltered.text = r.text;
      unfiltered.sort = r.sort;
      data["clear_href"] = Href(unfiltered);
    }
    int status = 200;
    if (!params) {
      status = 400;
      std::string message = params.error().detail;
      for (const auto& f : params.error().fields) message += " " + f.field + ": " + f.message + ".";
      data["error"] = message;
    } else if (auto page = env.service.Search(r); !page) {
      status = http::StatusFor(page.error().code);
      data["error"] = page.error().detail;
    } else {
      auto currency = platform::money::Currency::FromCode(env.config.shop.currency);
      AddResults(data, r, *page, currency ? *currency : platform::money::Currency());
    }
    auto response = http::Response::Html(status, env.templates.RenderPage("search/results", data));
    if (status == 503) response.headers.Set("Retry-After", "2");
    // A signed-in visitor's page carries their name and CSRF token.
    if (data["signed_in"].as_bool()) response.headers.Set("Cache-Control", "no-store");
    return response;
  });
}

}  // namespace shop::search
