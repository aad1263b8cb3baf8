#include "platform/http/response.hpp"

#include <boost/json/serialize.hpp>

#include <stdexcept>
#include <string>

namespace shop::platform::http {

namespace {

// RFC 6265 §4.1.1 token characters for a cookie name.
bool IsCookieNameChar(char c) {
  if (c <= 0x20 || c >= 0x7f) return false;
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={}";
  return kSeparators.find(c) == std::string_view::npos;
}

// RFC 6265 §4.1.1 cookie-octet: no controls, whitespace, DQUOTE, comma, semicolon or backslash.
bool IsCookieValueChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u == 0x21 || (u >= 0x23 && u <= 0x2b) || (u >= 0x2d && u <= 0x3a) || (u >= 0x3c && u <= 0x5b) ||
         (u >= 0x5d && u <= 0x7e);
}

bool IsAttributeValueSafe(std::string_view s) {
  for (char c : s) {
    if (c == ';' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

Response WithBody(int status, std::string_view content_type, std::string body) {
  Response response;
  response.status = status;
  response.headers.Add("Content-Type", std::string(content_type));
  response.body = std::move(body);
  return response;
}

}  // namespace

Response Response::Json(int status, const boost::json::value& body) {
  return WithBody(status, "application/json", boost::json::serialize(body));
}

Response Response::Html(int status, std::string body) {
  return WithBody(status, "text/html; charset=utf-8", std::move(body));
}

Response Response::Text(int status, std::string body) {
  return WithBody(status, "text/plain; charset=utf-8", std::move(body));
}

Response Response::NoContent() {
  Response response;
  response.status = 204;
  return response;
}

Response Response::Redirect(std::string location, int status) {
  Response response;
  response.status = status;
  response.headers.Add("Location", std::move(location));
  return response;
}

void Response::AddCookie(const SetCookie& cookie) {
  // A malformed cookie is a programming error; refusing it here keeps a bad
  // value from splitting the header or silently losing attributes.
  if (cookie.name.empty()) throw std::invalid_argument("cookie name is empty");
  for (char c : cookie.name) {
    if (!IsCookieNameChar(c)) throw std::invalid_argument("invalid cookie name: " + cookie.name);
  }
  for (char c : cookie.value) {
    if (!IsCookieValueChar(c)) throw std::invalid_argument("invalid character in cookie " + cookie.name);
  }
  if (!IsAttributeValueSafe(cookie.path) || !IsAttributeValueSafe(cookie.same_site)) {
    throw std::invalid_argument("invalid cookie attribute for " + cookie.name);
  }

  std::string line;
  line.reserve(cookie.name.size() + cookie.value.size() + 64);
  line.append(cookie.name).append("=").append(cookie.value);
  if (!cookie.path.empty()) line.append("; Path=").append(cookie.path);
  if (cookie.max_age) {
    line.append("; Max-Age=").append(std::to_string(cookie.max_age->count()));
    // Old clients ignore Max-Age; an Expires in the past makes deletion reliable.
    if (cookie.max_age->count() <= 0) line.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  }
  if (cookie.http_only) line.append("; HttpOnly");
  if (cookie.secure) line.append("; Secure");
  if (!cookie.same_site.empty()) line.append("; SameSite=").append(cookie.same_site);
  headers.Add("Set-Cookie", std::move(line));
}

}  // namespace shop::platform::http
