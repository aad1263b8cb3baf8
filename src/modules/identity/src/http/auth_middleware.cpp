// Authenticates each request (bearer token, else session cookie), attaches
// the Principal, and applies the CSRF rule of csrf.hpp.
#include "http/csrf.hpp"
#include "http/env.hpp"
#include "shop/identity/access.hpp"

#include <memory>

namespace shop::identity {

namespace http = platform::http;

namespace {

const RequestAuth kAnonymous{};

// Operations endpoints and static files never need a principal; skipping them
// keeps /livez free of key-value and database reads.
bool NeedsNoPrincipal(const http::Request& request) {
  if (request.method != http::Method::kGet && request.method != http::Method::kHead) return false;
  const std::string_view path = request.path;
  return path == "/livez" || path == "/readyz" || path == "/metrics" || path.rfind("/static/", 0) == 0;
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

http::Response InvalidToken(const http::Request& request) {
  auto response = http::Response::Problem(Error{ErrorCode::kUnauthenticated, "invalid or expired token", {}},
                                          request.path);
  response.headers.Set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  return response;
}

std::shared_ptr<const Principal> PrincipalFor(const User& user) {
  return std::make_shared<const Principal>(Principal{user.id, user.email, user.name, user.role});
}

}  // namespace

const RequestAuth& AuthOf(const http::Request& request) {
  const RequestAuth* auth = request.GetContext<RequestAuth>();
  return auth ? *auth : kAnonymous;
}

bool IsApiPath(std::string_view path) { return path == "/api" || path.rfind("/api/", 0) == 0; }

http::Middleware MakeAuthMiddleware(const HttpEnv& env) {
  return [&env](http::Request& request, const http::Next& next) -> http::Response {
    if (NeedsNoPrincipal(request)) return next(request);
    auto auth = std::make_shared<RequestAuth>();
    std::shared_ptr<const Principal> principal;
    const bool api = IsApiPath(request.path);

    if (auto header = request.Header("Authorization")) {
      // Explicit credentials that do not check out are refused on the API
      // rather than quietly downgraded to anonymous.
      if (!StartsWithIgnoreCase(*header, "Bearer ")) {
        if (api) return InvalidToken(request);
      } else {
        std::string_view token = header->substr(7);
        while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
        while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
        std::optional<TokenRecord> record = env.sessions.ResolveToken(token);
        Result<User> user = record ? env.service.GetUser(record->user_id) : Result<User>(Error::NotFound("token"));
        // Issued before the account's last password change: void.
        if (user && user->credential_epoch != record->credential_epoch) {
          env.sessions.RevokeToken(token);
          user = Error::NotFound("token");
        }
        if (!user) {
          if (api) return InvalidToken(request);
        } else {
          principal = PrincipalFor(*user);
          auth->kind = RequestAuth::Kind::kBearer;
          auth->token = std::string(token);
        }
      }
    } else if (auto cookie = request.Cookie(kSessionCookie)) {
      if (auto session = env.sessions.Resolve(*cookie)) {
        // Loaded per request so a role change, a deleted account or a new
        // password (credential epoch) takes effect at once.
        Result<User> user = env.service.GetUser(session->user_id);
        if (user && user->credential_epoch != session->credential_epoch) {
          env.sessions.Destroy(*cookie);
        } else if (user) {
          principal = PrincipalFor(*user);
          auth->kind = RequestAuth::Kind::kCookie;
          auth->session_id = *cookie;
          auth->csrf = session->csrf;
        }
      }
    }

    if (IsStateChanging(request.method) && auth->kind != RequestAuth::Kind::kBearer) {
      const CsrfVerdict verdict = CheckCsrf(request, env.base_origin,
                                            auth->kind == RequestAuth::Kind::kCookie ? &auth->csrf : nullptr);
      if (verdict != CsrfVerdict::kAllow) {
        const char* detail = verdict == CsrfVerdict::kCrossSite
                                 ? "cross-site request refused"
                                 : "missing or invalid CSRF token";
        if (api) return http::Response::Problem(Error{ErrorCode::kForbidden, detail, {}}, request.path);
        return ErrorPage(env, request, 403, "Forbidden",
                         "This form could not be accepted. Reload the page and try again.");
      }
    }

    request.SetContext<RequestAuth>(std::move(auth));
    request.SetContext<ErrorPages>(std::make_shared<const ErrorPages>(ErrorPages{&env}));
    if (principal) request.SetContext<Principal>(std::move(principal));
    return next(request);
  };
}

}  // namespace shop::identity
