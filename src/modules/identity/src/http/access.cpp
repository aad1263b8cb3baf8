// Route guards: who may call a handler (access.hpp).
#include "shop/identity/access.hpp"

#include "http/env.hpp"

namespace shop::identity {

namespace http = platform::http;

namespace {

bool Allows(Access access, const Principal& principal) {
  switch (access) {
    case Access::kPublic:
    case Access::kCustomer:
    case Access::kOwnerOrStaff:
      return true;
    case Access::kStaff:
      return principal.IsStaff();
    case Access::kAdmin:
      return principal.IsAdmin();
  }
  return false;
}

http::Response Forbidden(const http::Request& request) {
  if (IsApiPath(request.path)) {
    return http::Response::Problem(Error{ErrorCode::kForbidden, "you may not do this", {}}, request.path);
  }
  if (const ErrorPages* pages = request.GetContext<ErrorPages>(); pages && pages->env) {
    return ErrorPage(*pages->env, request, 403, "Forbidden", "Your account may not open this page.");
  }
  return http::Response::Html(403, "<!doctype html><title>Forbidden</title><h1>Forbidden</h1>");
}

}  // namespace

const Principal* CurrentPrincipal(const http::Request& request) { return request.GetContext<Principal>(); }

std::string CsrfToken(const http::Request& request) { return AuthOf(request).csrf; }

void AddNavigation(boost::json::object& data, const http::Request& request) {
  const Principal* principal = CurrentPrincipal(request);
  data["signed_in"] = principal != nullptr;
  data["is_staff"] = principal && principal->IsStaff();
  data["is_admin"] = principal && principal->IsAdmin();
  data["user_name"] = principal ? (principal->name.empty() ? principal->email : principal->name) : std::string();
  data["csrf"] = CsrfToken(request);
}

bool IsOwnerOrStaff(const Principal& principal, const UserId& owner) {
  return principal.IsStaff() || principal.user_id == owner;
}

http::Handler Require(Access access, http::Handler handler) {
  return [access, handler = std::move(handler)](http::Request& request) -> http::Response {
    if (access == Access::kPublic) return handler(request);
    const Principal* principal = CurrentPrincipal(request);
    if (!principal) {
      if (IsApiPath(request.path)) {
        auto response = http::Response::Problem(Error{ErrorCode::kUnauthenticated, "sign in required", {}},
                                                request.path);
        response.headers.Set("WWW-Authenticate", "Bearer");
        return response;
      }
      // Only a GET target can be returned to after signing in.
      if (request.method != http::Method::kGet) return http::Response::Redirect("/signin");
      return http::Response::Redirect("/signin?next=" + http::PercentEncode(request.target, "/"));
    }
    if (!Allows(access, *principal)) return Forbidden(request);
    return handler(request);
  };
}

}  // namespace shop::identity
