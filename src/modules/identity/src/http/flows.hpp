#pragma once
// Sign-in, sign-up, password reset requests and session changes, shared by
// the JSON API and the HTML pages so both obey the same throttles and the
// same session rotation.

#include "http/env.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace shop::identity {

/// Either a user, or an error; `retry_after_s` > 0 means throttled (429).
struct FlowOutcome {
  std::optional<User> user;
  Error error;
  std::int64_t retry_after_s = 0;
};

/// Per-address limit on all attempts, per-account limit on failures — both
/// checked before the password is, so a right password while throttled is
/// still refused. Unknown e-mail and wrong password give one identical error.
FlowOutcome SignIn(const HttpEnv& env, const platform::http::Request& request, std::string_view email,
                   std::string_view password);
FlowOutcome SignUp(const HttpEnv& env, const platform::http::Request& request, std::string_view email,
                   std::string_view password, std::string_view name);
/// Throttled per account and per address; otherwise succeeds for any well-formed e-mail.
FlowOutcome RequestReset(const HttpEnv& env, const platform::http::Request& request, std::string_view email);

/// Ends the request's session, if any, and starts a fresh one for `user`
/// (session fixation defence); sets the cookie on `response`.
NewSession StartSession(const HttpEnv& env, const platform::http::Request& request, const User& user,
                        platform::http::Response& response);
/// Ends the request's session or revokes its bearer token; clears the cookie.
void EndSession(const HttpEnv& env, const platform::http::Request& request, platform::http::Response& response);

/// The one answer for bad credentials.
Error BadCredentials();

}  // namespace shop::identity
