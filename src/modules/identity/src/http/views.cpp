#include "http/views.hpp"

#include <fmt/format.h>

#include <ctime>

namespace shop::identity {

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
