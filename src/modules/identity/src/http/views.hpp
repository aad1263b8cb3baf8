#pragma once
// JSON shapes of users and addresses on the API.

#include "platform/clock/iso_time.hpp"
#include "shop/identity/types.hpp"

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>

namespace shop::identity {

/// RFC 3339 UTC with milliseconds: "2024-05-01T12:00:00.000Z".
using platform::IsoTime;

/// {id, email, name, role, email_verified, created_at}
boost::json::object UserJson(const User& user);
/// {id, name, line1, line2, city, postal_code, country, phone, is_default}
boost::json::object AddressJson(const Address& address);

}  // namespace shop::identity
