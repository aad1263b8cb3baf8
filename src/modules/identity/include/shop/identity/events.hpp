#pragma once
/// Events the identity module publishes through the outbox (DESIGN §3), in
/// the same transaction as the change they describe. Aggregate: "user", id =
/// the user's id. Payloads are flat JSON objects of the fields below.
///
/// The reset and verification events carry the raw single-use token because
/// the mail channel needs it for the link; the database keeps only its hash.
/// Subscribers must not log or store payloads of those two types.

#include "platform/events/payload.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace shop::identity::events {

/// A customer account was created.
struct UserRegistered {
  static constexpr std::string_view kType = "identity.user_registered.v1";
  static constexpr std::string_view kAggregateType = "user";
  std::string user_id;
  std::string email;
  std::string name;
  boost::json::value ToJson() const { return {{"user_id", user_id}, {"email", email}, {"name", name}}; }
  static UserRegistered FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {platform::events::PayloadString(o, "user_id"), platform::events::PayloadString(o, "email"), platform::events::PayloadString(o, "name")};
  }
};

/// A password reset was asked for; `email` is the address stored on the
/// account (never the one typed), `token` the raw single-use token.
struct PasswordResetRequested {
  static constexpr std::string_view kType = "identity.password_reset_requested.v1";
  static constexpr std::string_view kAggregateType = "user";
  std::string user_id;
  std::string email;
  std::string name;
  std::string token;
  std::int64_t expires_at_ms = 0;
  boost::json::value ToJson() const {
    return {{"user_id", user_id},
            {"email", email},
            {"name", name},
            {"token", token},
            {"expires_at_ms", expires_at_ms}};
  }
  static PasswordResetRequested FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {platform::events::PayloadString(o, "user_id"), platform::events::PayloadString(o, "email"), platform::events::PayloadString(o, "name"),
            platform::events::PayloadString(o, "token"), platform::events::PayloadInt(o, "expires_at_ms")};
  }
};

/// An address needs confirming: after sign-up, an e-mail change or on request.
struct EmailVerificationRequested {
  static constexpr std::string_view kType = "identity.email_verification_requested.v1";
  static constexpr std::string_view kAggregateType = "user";
  std::string user_id;
  std::string email;
  std::string name;
  std::string token;
  std::int64_t expires_at_ms = 0;
  boost::json::value ToJson() const {
    return {{"user_id", user_id},
            {"email", email},
            {"name", name},
            {"token", token},
            {"expires_at_ms", expires_at_ms}};
  }
  static EmailVerificationRequested FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {platform::events::PayloadString(o, "user_id"), platform::events::PayloadString(o, "email"), platform::events::PayloadString(o, "name"),
            platform::events::PayloadString(o, "token"), platform::events::PayloadInt(o, "expires_at_ms")};
  }
};

/// The password was changed or reset: other sessions of the user should end.
struct PasswordChanged {
  static constexpr std::string_view kType = "identity.password_changed.v1";
  static constexpr std::string_view kAggregateType = "user";
  std::string user_id;
  boost::json::value ToJson() const { return {{"user_id", user_id}}; }
  static PasswordChanged FromJson(const boost::json::value& v) {
    return {platform::events::PayloadString(v.as_object(), "user_id")};
  }
};

/// An admin (or `shopd create-admin`, actor "system") changed a user's role.
struct RoleChanged {
  static constexpr std::string_view kType = "identity.role_changed.v1";
  static constexpr std::string_view kAggregateType = "user";
  std::string user_id;
  std::string role;  ///< "customer" | "staff" | "admin"
  std::string actor;
  boost::json::value ToJson() const { return {{"user_id", user_id}, {"role", role}, {"actor", actor}}; }
  static RoleChanged FromJson(const boost::json::value& v) {
    const auto& o = v.as_object();
    return {platform::events::PayloadString(o, "user_id"), platform::events::PayloadString(o, "role"), platform::events::PayloadString(o, "actor")};
  }
};

}  // namespace shop::identity::events
