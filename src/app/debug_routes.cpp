#include "app/routes.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <thread>

namespace shop::app {

namespace http = platform::http;

void RegisterDebugRoutes(http::Router& router, const RouteDeps&) {
  router.Get("/debug/sleep", [](http::Request& req) {
    int ms = 100;
    if (auto raw = req.Query("ms")) {
      auto [ptr, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), ms);
      if (ec != std::errc() || ptr != raw->data() + raw->size() || ms < 0 || ms > 10'000) {
        return http::Response::Problem(
            Error::InvalidInput("ms must be an integer from 0 to 10000", {{"ms", "out of range"}}), req.path);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return http::Response::Json(200, boost::json::object{{"slept_ms", ms}});
  });
}

}  // namespace shop::app
