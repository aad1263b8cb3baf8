#pragma once
/// "Who is this request's principal, and may it do X" — the one way every
/// module protects a route (DESIGN §4 Identity, §5):
///
///     router.Get("/api/v1/orders", identity::Require(Access::kCustomer, ListOrders));
///     router.Get("/admin/orders", identity::Require(Access::kStaff, OrdersPage));
///
/// The identity middleware (installed once by the app) authenticates the
/// request from the session cookie or an `Authorization: Bearer` token and
/// attaches the Principal; Require() then decides. Thread-safe.

#include "platform/http/router.hpp"
#include "shop/identity/types.hpp"

#include <boost/json/object.hpp>

#include <string>

namespace shop::identity {

enum class Access {
  kPublic,        ///< anyone
  kCustomer,      ///< any signed-in user (customers, staff, admins)
  kStaff,         ///< staff or admin
  kAdmin,         ///< admin only
  kOwnerOrStaff,  ///< signed in; the handler then checks IsOwnerOrStaff()
};

/// The authenticated principal of this request, or nullptr for anonymous.
const Principal* CurrentPrincipal(const platform::http::Request& request);

/// Wraps `handler` so it runs only for `access`. Anonymous on an API path
/// (/api/...) → 401 problem+json; anonymous on a page → 303 to
/// /signin?next=<path>; signed in without the role → 403 (problem+json on
/// the API, an HTML page otherwise).
platform::http::Handler Require(Access access, platform::http::Handler handler);

/// The CSRF token of this request's browser session, "" for anonymous and
/// bearer requests. Every state-changing form carries it as the hidden field
/// `_csrf` (anonymous forms rely on the Origin / Sec-Fetch-Site rule).
std::string CsrfToken(const platform::http::Request& request);

/// Adds what the layout's header needs to page data: signed_in, is_staff,
/// is_admin, user_name and csrf. Every module's pages call this, so the
/// navigation looks the same on every page.
void AddNavigation(boost::json::object& data, const platform::http::Request& request);

/// True when `principal` owns the resource or is staff.
bool IsOwnerOrStaff(const Principal& principal, const UserId& owner);

}  // namespace shop::identity
