#pragma once
/// Maps (method, path) to a handler. Patterns are literal segments and
/// `{name}` parameters ("/api/v1/products/{slug}"); a last segment
/// `{name...}` captures the rest of the path ("/static/{path...}" matches
/// "/static/css/site.css" with path = "css/site.css"). A path that matches with
/// another method yields kMethodNotAllowed with the Allow list; HEAD falls
/// back to GET. Routes are added at start-up; Find() is then safe to call
/// from any number of threads.
///
/// Matching: a literal segment beats `{name}`, which beats `{name...}`, but
/// only where the more specific branch can answer the method. Trailing
/// slashes are significant: "/a/" does not match "/a", and a pattern may not
/// end in '/' (except "/" itself). Parameters never match an empty segment.
/// Find() takes the percent-decoded path, so "%2F" separates segments like '/'.

#include "platform/http/request.hpp"
#include "platform/http/response.hpp"

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::http {

using Handler = std::function<Response(Request&)>;
using Next = std::function<Response(Request&)>;
/// Wraps the rest of the chain: inspect or short-circuit the request, or call
/// next(request) and adjust its response.
using Middleware = std::function<Response(Request&, const Next&)>;

struct RouteOptions {
  /// Run on the bounded blocking pool (DB, Xapian, hashing). Cheap routes that
  /// touch nothing blocking (/livez, cached reads) may set false to run inline
  /// on the I/O thread.
  bool blocking = true;
  /// Maximum request body in bytes; 0 → the server's default (http.body_limit).
  std::size_t body_limit = 0;
};

struct Route {
  Method method = Method::kGet;
  std::string pattern;
  Handler handler;
  RouteOptions options;
  std::size_t index = 0;  ///< dense id, for per-route metrics arrays
};

struct RouteMatch {
  enum class Kind { kFound, kMethodNotAllowed, kNotFound };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<Method> allowed;  ///< for kMethodNotAllowed
};

class Router {
 public:
  Router();
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  /// Registers a route. Throws std::invalid_argument on a malformed pattern or
  /// a duplicate (method, pattern) — a programming error caught at start-up.
  void Add(Method method, std::string_view pattern, Handler handler, RouteOptions options = {});
  void Get(std::string_view p, Handler h, RouteOptions o = {}) { Add(Method::kGet, p, std::move(h), o); }
  void Post(std::string_view p, Handler h, RouteOptions o = {}) { Add(Method::kPost, p, std::move(h), o); }
  void Put(std::string_view p, Handler h, RouteOptions o = {}) { Add(Method::kPut, p, std::move(h), o); }
  void Patch(std::string_view p, Handler h, RouteOptions o = {}) { Add(Method::kPatch, p, std::move(h), o); }
  void Delete(std::string_view p, Handler h, RouteOptions o = {}) { Add(Method::kDelete, p, std::move(h), o); }

  /// Matches a decoded path. Literal segments win over parameters.
  RouteMatch Find(Method method, std::string_view path) const;

  /// Every route, in registration order (index == position).
  const std::vector<std::unique_ptr<Route>>& Routes() const { return routes_; }

 private:
  struct Node;
  std::unique_ptr<Node> root_;
  std::vector<std::unique_ptr<Route>> routes_;
};

}  // namespace shop::platform::http
