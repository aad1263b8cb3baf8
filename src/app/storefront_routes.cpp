#include "app/routes.hpp"
#include "platform/templates/layout.hpp"

#include "shop/identity/access.hpp"

#include <boost/json.hpp>

#include <ctime>

namespace shop::app {

namespace http = platform::http;

boost::json::object PageBase(const RouteDeps& deps, std::string_view title) {
  return platform::templates::LayoutData(deps.config, deps.clock, title);
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
