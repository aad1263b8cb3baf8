#pragma once
/// Readers for event payloads, which are flat JSON objects of primitive
/// fields (DESIGN §3). Each module's events.hpp uses these in FromJson, so a
/// missing or mistyped field throws the same way everywhere (boost::system
/// error from at() / as_string(), or std::invalid_argument from to_number):
/// the relay then retries and, in the end, dead-letters the event.

#include <boost/json/object.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shop::platform::events {

inline std::string PayloadString(const boost::json::object& payload, std::string_view key) {
  return std::string(payload.at(key).as_string());
}

inline std::int64_t PayloadInt(const boost::json::object& payload, std::string_view key) {
  return payload.at(key).to_number<std::int64_t>();
}

}  // namespace shop::platform::events
