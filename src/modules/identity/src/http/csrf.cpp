#include "http/csrf.hpp"

#include "platform/crypto/hmac.hpp"

#include <algorithm>
#include <cctype>

namespace shop::identity {

namespace http = platform::http;

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Drops a default port so "http://h:80" and "http://h" compare equal.
std::string WithoutDefaultPort(std::string origin) {
  auto strip = [&](std::string_view scheme, std::string_view port) {
    if (origin.rfind(scheme, 0) == 0 && origin.size() > port.size() &&
        origin.compare(origin.size() - port.size(), port.size(), port) == 0) {
      origin.resize(origin.size() - port.size());
    }
  };
  strip("http://", ":80");
  strip("https://", ":443");
  return origin;
}

bool IsSameOrigin(const http::Request& request, std::string_view origin, std::string_view base_origin) {
  const std::string normalized = WithoutDefaultPort(Lower(origin));
  if (!base_origin.empty() && normalized == WithoutDefaultPort(std::string(base_origin))) return true;
  // The request's own Host: a cross-site page cannot make a victim's browser
  // send our Host together with its own Origin.
  if (auto host = request.Header("Host"); host && !host->empty()) {
    const std::string h = Lower(Trim(*host));
    if (normalized == WithoutDefaultPort("http://" + h) || normalized == WithoutDefaultPort("https://" + h)) {
      return true;
    }
  }
  return false;
}

std::string SubmittedToken(const http::Request& request) {
  if (auto header = request.Header("X-CSRF-Token")) return std::string(Trim(*header));
  auto type = request.Header("Content-Type");
  if (type && Lower(*type).rfind("application/x-www-form-urlencoded", 0) == 0) {
    for (auto& [name, value] : request.FormFields()) {
      if (name == "_csrf") return value;
    }
  }
  return {};
}

}  // namespace

std::string OriginOf(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return {};
  auto host_end = url.find_first_of("/?#", scheme_end + 3);
  return WithoutDefaultPort(Lower(url.substr(0, host_end)));
}

bool IsStateChanging(http::Method method) {
  return method == http::Method::kPost || method == http::Method::kPut || method == http::Method::kPatch ||
         method == http::Method::kDelete;
}

CsrfVerdict CheckCsrf(const http::Request& request, std::string_view base_origin, const std::string* session_csrf) {
  const auto fetch_site = request.Header("Sec-Fetch-Site");
  const std::string site = fetch_site ? Lower(Trim(*fetch_site)) : std::string();
  const auto origin = request.Header("Origin");
  const bool same_origin_header = origin && IsSameOrigin(request, Trim(*origin), base_origin);

  if (site == "cross-site") return CsrfVerdict::kCrossSite;
  if (origin && !same_origin_header) return CsrfVerdict::kCrossSite;
  if (!session_csrf) return CsrfVerdict::kAllow;

  if (site == "same-origin" || same_origin_header) return CsrfVerdict::kAllow;
  const std::string submitted = SubmittedToken(request);
  if (!submitted.empty() && platform::crypto::ConstantTimeEquals(submitted, *session_csrf)) {
    return CsrfVerdict::kAllow;
  }
  return CsrfVerdict::kNoProof;
}

}  // namespace shop::identity
