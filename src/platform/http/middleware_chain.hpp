#pragma once
/// The middlewares composed around every route's handler once, at start-up,
/// so that running a request allocates nothing for its chain. Used by the
/// server; kept free of Beast so it can be tested on its own.
///
/// Build it after every route is registered. Read-only afterwards, so it is
/// safe to use from any number of threads.

#include "platform/http/router.hpp"

#include <memory>
#include <vector>

namespace shop::platform::http {

class MiddlewareChains {
 public:
  /// `router` must outlive this object; the middlewares are copied. The first
  /// middleware is the outermost.
  MiddlewareChains(const Router& router, std::vector<Middleware> middlewares);
  MiddlewareChains(const MiddlewareChains&) = delete;
  MiddlewareChains& operator=(const MiddlewareChains&) = delete;

  /// The chain that ends in route.handler. `route` must belong to the router.
  const Handler& For(const Route& route) const { return *by_route_.at(route.index); }
  /// The chain that ends in a 404 problem for the request path.
  const Handler& NotFound() const { return *not_found_; }
  /// The chain that ends in a 405 problem; the caller adds the Allow header,
  /// since only it knows which methods the path accepts.
  const Handler& MethodNotAllowed() const { return *method_not_allowed_; }

 private:
  const Handler* Compose(const Handler* innermost);

  std::vector<Middleware> middlewares_;
  // Every layer lives at a stable address: each captures the next by pointer,
  // which keeps the std::function small enough to need no heap per call.
  std::vector<std::unique_ptr<Handler>> layers_;
  std::vector<const Handler*> by_route_;
  const Handler* not_found_ = nullptr;
  const Handler* method_not_allowed_ = nullptr;
};

}  // namespace shop::platform::http
