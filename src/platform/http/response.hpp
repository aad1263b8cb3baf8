#pragma once
/// What a handler returns. Every path of a handler answers with a Response;
/// errors are turned into problem+json by Problem().

#include "platform/core/error.hpp"
#include "platform/http/headers.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace shop::platform::http {

struct SetCookie {
  std::string name;
  std::string value;
  std::string path = "/";
  std::optional<std::chrono::seconds> max_age;  ///< none → session cookie; 0 → delete
  bool http_only = true;
  bool secure = false;
  std::string same_site = "Lax";
};

struct Response {
  int status = 200;
  Headers headers;
  std::string body;

  /// application/json body.
  static Response Json(int status, const boost::json::value& body);
  /// text/html; charset=utf-8 body.
  static Response Html(int status, std::string body);
  /// text/plain; charset=utf-8 body.
  static Response Text(int status, std::string body);
  /// 204 with no body.
  static Response NoContent();
  /// 303 See Other by default, the right answer after a form POST.
  static Response Redirect(std::string location, int status = 303);
  /// RFC 9457 application/problem+json for an Error; status from the one
  /// error→status table. `instance` is usually the request path.
  static Response Problem(const Error& error, std::string_view instance = {});
  /// problem+json for a protocol-level answer that has no ErrorCode (405,
  /// 431, 505…): type "/problems/<type_name>", the given status and title.
  static Response ProtocolProblem(int status, std::string_view type_name, std::string_view title,
                                  std::string_view detail, std::string_view instance = {});

  void AddCookie(const SetCookie& cookie);
};

/// HTTP status for an error code (the one mapping table).
int StatusFor(ErrorCode code);

}  // namespace shop::platform::http
