#include "http/flows.hpp"

#include "shop/identity/email.hpp"

#include <algorithm>
#include <cctype>

namespace shop::identity {

namespace http = platform::http;

namespace {

// The throttle key of an account: the normalised address when it is one,
// otherwise the trimmed, lower-cased text (still one key per spelling).
std::string AccountSubject(std::string_view email) {
  if (auto normalized = NormalizeEmail(email)) return *normalized;
  std::string s(email.substr(0, 320));
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  s.erase(0, s.find_first_not_of(" \t\r\n"));
  s.erase(s.find_last_not_of(" \t\r\n") + 1);
  return s;
}

FlowOutcome Throttled(const ThrottleVerdict& verdict) {
  return {std::nullopt, Error{ErrorCode::kTooManyRequests, "too many attempts", {}}, verdict.retry_after_s};
}

}  // namespace

Error BadCredentials() { return Error{ErrorCode::kUnauthenticated, "e-mail or password is incorrect", {}}; }

FlowOutcome SignIn(const HttpEnv& env, const http::Request& request, std::string_view email,
                   std::string_view password) {
  const auto& limits = env.config.identity;
  const std::string account = AccountSubject(email);
  if (auto ip = env.throttle.Hit("login-ip", request.remote_address, limits.login_max_per_ip); ip.limited) {
    return Throttled(ip);
  }
  if (auto acct = env.throttle.Peek("login-account", account, limits.login_max_per_account); acct.limited) {
    return Throttled(acct);
  }
  if (password.size() > kMaxPasswordBytes) {
    env.throttle.Hit("login-account", account, limits.login_max_per_account);
    return {std::nullopt, BadCredentials(), 0};
  }
  Result<User> user = env.service.Authenticate(email, password);
  if (!user) {
    if (user.error().code == ErrorCode::kUnauthenticated || user.error().code == ErrorCode::kInvalidInput ||
        user.error().code == ErrorCode::kNotFound) {
      env.throttle.Hit("login-account", account, limits.login_max_per_account);
      return {std::nullopt, BadCredentials(), 0};
    }
    return {std::nullopt, user.error(), 0};
  }
  env.throttle.Reset("login-account", account);
  return {*user, {}, 0};
}

FlowOutcome SignUp(const HttpEnv& env, const http::Request& request, std::string_view email,
                   std::string_view password, std::string_view name) {
  if (auto ip = env.throttle.Hit("register-ip", request.remote_address, env.config.identity.register_max_per_ip);
      ip.limited) {
    return Throttled(ip);
  }
  Result<User> user = env.service.Register(email, password, name);
  if (!user) return {std::nullopt, user.error(), 0};
  return {*user, {}, 0};
}

FlowOutcome RequestReset(const HttpEnv& env, const http::Request& request, std::string_view email) {
  const auto& limits = env.config.identity;
  // Addresses share the sign-in limit: both guard against one client hammering accounts.
  if (auto ip = env.throttle.Hit("reset-ip", request.remote_address, limits.login_max_per_ip); ip.limited) {
    return Throttled(ip);
  }
  if (auto acct = env.throttle.Hit("reset-account", AccountSubject(email), limits.reset_max_per_account);
      acct.limited) {
    return Throttled(acct);
  }
  Result<void> done = env.service.RequestPasswordReset(email);
  if (!done) return {std::nullopt, done.error(), 0};
  return {std::nullopt, {}, 0};
}

NewSession StartSession(const HttpEnv& env, const http::Request& request, const User& user,
                        http::Response& response) {
  // Any session the browser arrived with ends here, whoever it belonged to.
  if (auto old = request.Cookie(kSessionCookie)) env.sessions.Destroy(*old);
  NewSession session = env.sessions.Create(user);
  response.AddCookie(env.sessions.Cookie(session.id));
  return session;
}

void EndSession(const HttpEnv& env, const http::Request& request, http::Response& response) {
  const RequestAuth& auth = AuthOf(request);
  if (auth.kind == RequestAuth::Kind::kBearer) {
    env.sessions.RevokeToken(auth.token);
    return;
  }
  if (auto cookie = request.Cookie(kSessionCookie)) {
    env.sessions.Destroy(*cookie);
    response.AddCookie(env.sessions.ClearCookie());
  }
}

}  // namespace shop::identity
