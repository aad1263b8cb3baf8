#pragma once
// Cross-site request forgery defence for state-changing requests
// (POST/PUT/PATCH/DELETE) that a browser could send with ambient credentials.
//
// The rule:
// - Cross-site evidence refuses the request, signed in or not: an Origin
//   header naming another origin (or "null"), or `Sec-Fetch-Site:
//   cross-site`. This also protects the anonymous sign-in and sign-up forms
//   against login CSRF (Origin/Sec-Fetch-Site rule; no double-submit cookie:
//   every browser we serve sends one of these headers on a cross-site POST).
// - A request authenticated by the session cookie must also carry proof:
//   the session's CSRF token (form field "_csrf" or header X-CSRF-Token,
//   compared in constant time), or `Sec-Fetch-Site: same-origin`, or an
//   Origin equal to shop.base_url's origin or to the request's own Host.
// - Bearer-authenticated requests carry no ambient credential and are exempt.

#include "platform/http/request.hpp"

#include <string>
#include <string_view>

namespace shop::identity {

enum class CsrfVerdict { kAllow, kCrossSite, kNoProof };

/// "scheme://host[:port]" of a URL, lower-cased, without path; "" if it has no scheme.
std::string OriginOf(std::string_view url);

bool IsStateChanging(platform::http::Method method);

/// `session_csrf` is null for a request without a session (anonymous or bearer).
CsrfVerdict CheckCsrf(const platform::http::Request& request, std::string_view base_origin,
                      const std::string* session_csrf);

}  // namespace shop::identity
