#pragma once
/// The transport-neutral request a handler sees. Built by the server from the
/// wire; modules never see Beast or Asio types (DESIGN §2).

#include "platform/http/headers.hpp"

#include <any>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace shop::platform::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

/// "GET" → kGet; anything unknown → kOther.
Method ParseMethod(std::string_view name);
std::string_view MethodName(Method method);

class Request {
 public:
  Method method = Method::kGet;
  std::string target;        ///< raw request-target, e.g. "/a/b?x=1"
  std::string path;          ///< percent-decoded path, no query
  std::string query_string;  ///< raw, without '?'
  Headers headers;
  std::string body;
  std::string remote_address;

  std::string request_id;  ///< X-Request-Id, generated when absent or invalid
  std::string trace_id;    ///< from W3C traceparent, or generated
  std::string route;       ///< matched route template ("/api/v1/products/{slug}")

  std::vector<std::pair<std::string, std::string>> path_params;

  /// A path parameter captured by the router ("" when absent).
  std::string_view PathParam(std::string_view name) const;
  /// First value of a query parameter, percent- and '+'-decoded.
  std::optional<std::string> Query(std::string_view name) const;
  /// Every query parameter in order, decoded.
  std::vector<std::pair<std::string, std::string>> QueryParams() const;
  std::optional<std::string_view> Header(std::string_view name) const { return headers.Get(name); }
  /// Value of a cookie from the Cookie header.
  std::optional<std::string> Cookie(std::string_view name) const;
  /// Form fields of an application/x-www-form-urlencoded body.
  std::vector<std::pair<std::string, std::string>> FormFields() const;

  /// Per-request values set by middleware (e.g. the authenticated principal),
  /// keyed by type so the platform needs to know none of them.
  template <class T>
  void SetContext(std::shared_ptr<const T> value) {
    context_[std::type_index(typeid(T))] = std::move(value);
  }
  template <class T>
  const T* GetContext() const {
    auto it = context_.find(std::type_index(typeid(T)));
    if (it == context_.end()) return nullptr;
    return std::any_cast<std::shared_ptr<const T>>(it->second).get();
  }

 private:
  std::unordered_map<std::type_index, std::any> context_;
};

/// Decodes %XX escapes (and '+' as space when `plus_as_space`); nullopt on a bad escape.
std::optional<std::string> PercentDecode(std::string_view in, bool plus_as_space);
/// Percent-encodes every byte except RFC 3986 unreserved characters
/// (A-Z a-z 0-9 - . _ ~) and those in `keep`, for query values and path
/// segments ("a b/c" → "a%20b%2Fc"; with keep = "/" → "a%20b/c").
std::string PercentEncode(std::string_view in, std::string_view keep = {});
/// Parses "a=1&b=2" into decoded pairs, skipping malformed pairs.
std::vector<std::pair<std::string, std::string>> ParseUrlEncoded(std::string_view in);

}  // namespace shop::platform::http
