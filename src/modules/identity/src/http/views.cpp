#include "http/views.hpp"

#include <fmt/format.h>

#include <ctime>

namespace shop::identity {

std::string IsoTime(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
}

boost::json::object UserJson(const User& user) {
  return {{"id", user.id.value},
          {"email", user.email},
          {"name", user.name},
          {"role", RoleName(user.role)},
          {"email_verified", user.email_verified},
          {"created_at", IsoTime(user.created_at_ms)}};
}

boost::json::object AddressJson(const Address& address) {
  return {{"id", address.id},
          {"name", address.name},
          {"line1", address.line1},
          {"line2", address.line2},
          {"city", address.city},
          {"postal_code", address.postal_code},
          {"country", address.country},
          {"phone", address.phone},
          {"is_default", address.is_default}};
}

}  // namespace shop::identity
