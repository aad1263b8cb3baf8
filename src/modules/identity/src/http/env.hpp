#pragma once
// What the identity routes, pages and middleware share: references that stay
// valid for the module's lifetime, and the per-request authentication facts
// the middleware attaches.

#include "http/sessions.hpp"
#include "http/throttle.hpp"
#include "platform/clock/clock.hpp"
#include "platform/config/config.hpp"
#include "platform/http/router.hpp"
#include "platform/ids/ids.hpp"
#include "platform/kv/kv.hpp"
#include "platform/templates/templates.hpp"
#include "shop/identity/identity.hpp"

#include <string>

namespace shop::identity {

struct HttpEnv {
  const platform::config::Config& config;
  const platform::Clock& clock;
  platform::IdGenerator& ids;
  const platform::templates::Templates& templates;
  IdentityService& service;
  SessionStore& sessions;
  Throttle& throttle;
  std::string base_origin;  ///< origin of shop.base_url
};

/// How this request authenticated (attached by the middleware to every request it sees).
struct RequestAuth {
  enum class Kind { kAnonymous, kCookie, kBearer };
  Kind kind = Kind::kAnonymous;
  std::string session_id;  ///< kCookie
  std::string csrf;        ///< kCookie
  std::string token;       ///< kBearer
};

/// Renders an HTML error page through the layout (attached by the middleware
/// so Require() can answer 403 with a page without holding templates itself).
struct ErrorPages {
  const HttpEnv* env = nullptr;
};

/// The authentication facts of this request (anonymous when the middleware did not run).
const RequestAuth& AuthOf(const platform::http::Request& request);

/// True for /api and /api/... paths: answers are problem+json, never pages.
bool IsApiPath(std::string_view path);

/// An HTML page through the layout with the nav state of `request`.
platform::http::Response ErrorPage(const HttpEnv& env, const platform::http::Request& request, int status,
                                   std::string_view title, std::string_view message);

/// The Principal middleware for module.cpp.
platform::http::Middleware MakeAuthMiddleware(const HttpEnv& env);

void RegisterAuthApi(platform::http::Router& router, const HttpEnv& env);
void RegisterMeApi(platform::http::Router& router, const HttpEnv& env);
void RegisterAdminApi(platform::http::Router& router, const HttpEnv& env);
void RegisterAuthPages(platform::http::Router& router, const HttpEnv& env);
void RegisterAccountPages(platform::http::Router& router, const HttpEnv& env);
void RegisterAdminPages(platform::http::Router& router, const HttpEnv& env);

}  // namespace shop::identity
