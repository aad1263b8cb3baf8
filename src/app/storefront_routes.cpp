#include "app/routes.hpp"

#include "shop/identity/access.hpp"

#include <boost/json.hpp>

#include <ctime>

namespace shop::app {

namespace http = platform::http;

boost::json::object PageBase(const RouteDeps& deps, std::string_view title) {
  std::time_t now = std::chrono::system_clock::to_time_t(deps.clock.Now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  boost::json::object data;
  data["shop_name"] = deps.config.shop.name;
  data["year"] = tm.tm_year + 1900;
  if (!title.empty()) data["title"] = title;
  return data;
}

void RegisterStorefrontRoutes(http::Router& router, const RouteDeps& deps) {
  router.Get("/", [&deps](http::Request& request) {
    auto data = PageBase(deps, "");
    identity::AddNavigation(data, request);
    data["description"] = deps.config.shop.name + " — shop online.";
    auto categories = deps.catalog.NavigationCategories();
    data["nav_categories"] = categories;
    data["has_categories"] = !categories.empty();
    data["categories"] = std::move(categories);
    auto response = http::Response::Html(200, deps.templates.RenderPage("home", data));
    // A signed-in visitor's page carries their name and CSRF token.
    if (data["signed_in"].as_bool()) response.headers.Set("Cache-Control", "no-store");
    return response;
  });
}

}  // namespace shop::app
