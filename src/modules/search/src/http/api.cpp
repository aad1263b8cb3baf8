// GET /api/v1/search: the JSON face of SearchService.
#include "http/env.hpp"
#include "http/params.hpp"

#include <boost/json.hpp>

namespace shop::search {

namespace http = platform::http;
namespace json = boost::json;

namespace {

json::value NamedJson(const std::optional<Named>& named) {
  if (!named) return nullptr;
  return json::object{{"slug", named->slug}, {"name", named->name}};
}

json::array FacetJson(const std::vector<FacetValue>& values) {
  json::array out;
  for (const auto& v : values) out.push_back(json::object{{"value", v.value}, {"label", v.label}, {"count", v.count}});
  return out;
}

json::object PageJson(const SearchPage& page) {
  json::array items;
  for (const auto& item : page.items) {
    items.push_back(json::object{{"id", item.id},
                                 {"slug", item.slug},
                                 {"name", item.name},
                                 {"brand", NamedJson(item.brand)},
                                 {"category", NamedJson(item.category)},
                                 {"price", platform::money::ToJson(item.price)},
                                 {"image", item.image.empty() ? json::value(nullptr) : json::value(item.image)},
                                 {"in_stock", item.in_stock},
                                 {"url", "/p/" + item.slug}});
  }
  json::array bands;
  for (const auto& band : page.price) {
    bands.push_back(json::object{{"min", band.min},
                                 {"max", band.max ? json::value(*band.max) : json::value(nullptr)},
                                 {"count", band.count}});
  }
  return json::object{
      {"items", std::move(items)},
      {"facets", json::object{{"category", FacetJson(page.categories)},
                              {"brand", FacetJson(page.brands)},
                              {"price", std::move(bands)},
                              {"in_stock", FacetJson(page.in_stock)}}},
      {"total", page.total},
      {"did_you_mean", page.did_you_mean.empty() ? json::value(nullptr) : json::value(page.did_you_mean)},
      {"corrected", page.corrected},
      {"next_cursor", page.next_cursor ? json::value(*page.next_cursor) : json::value(nullptr)}};
}

}  // namespace

void RegisterSearchApi(http::Router& router, const HttpEnv& env) {
  router.Get("/api/v1/search", [&env](http::Request& request) {
    auto params = ParseSearchParams(request, /*strict=*/true);
    if (!params) return http::Response::Problem(params.error(), request.path);
    auto page = env.service.Search(*params);
    if (!page) {
      auto response = http::Response::Problem(page.error(), request.path);
      if (page.error().code == ErrorCode::kUnavailable) response.headers.Set("Retry-After", "2");
      return response;
    }
    return http::Response::Json(200, PageJson(*page));
  });
}

}  // namespace shop::search
