#include "platform/templates/layout.hpp"

#include <chrono>
#include <ctime>

namespace shop::platform::templates {

boost::json::object LayoutData(const config::Config& config, const Clock& clock, std::string_view title) {
  const std::time_t now = std::chrono::system_clock::to_time_t(clock.Now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  boost::json::object data;
  data["shop_name"] = config.shop.name;
  data["year"] = tm.tm_year + 1900;
  if (!title.empty()) data["title"] = title;
  return data;
}

}  // namespace shop::platform::templates
