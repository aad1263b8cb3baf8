#include "app/routes.hpp"

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
  router.Get("/", [&deps](http::Request&) {
    auto data = PageBase(deps, "");
    data["description"] = deps.config.shop.name + " — shop online.";
    return http::Response::Html(200, deps.templates.RenderPage("home", data));
  });
}

}  // namespace shop::app
