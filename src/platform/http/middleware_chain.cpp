#include "platform/http/middleware_chain.hpp"

namespace shop::platform::http {

MiddlewareChains::MiddlewareChains(const Router& router, std::vector<Middleware> middlewares)
    : middlewares_(std::move(middlewares)) {
  by_route_.reserve(router.Routes().size());
  for (const auto& route : router.Routes()) by_route_.push_back(Compose(&route->handler));

  layers_.push_back(std::make_unique<Handler>([](Request& request) {
    return Response::Problem(Error::NotFound("no resource at this path"), request.path);
  }));
  not_found_ = Compose(layers_.back().get());

  layers_.push_back(std::make_unique<Handler>([](Request& request) {
    return Response::ProtocolProblem(405, "method-not-allowed", "Method not allowed",
                                     std::string(MethodName(request.method)) + " is not allowed here",
                                     request.path);
  }));
  method_not_allowed_ = Compose(layers_.back().get());
}

const Handler* MiddlewareChains::Compose(const Handler* innermost) {
  const Handler* next = innermost;
  for (auto it = middlewares_.rbegin(); it != middlewares_.rend(); ++it) {
    const Middleware* middleware = &*it;
    layers_.push_back(std::make_unique<Handler>(
        [middleware, next](Request& request) { return (*middleware)(request, *next); }));
    next = layers_.back().get();
  }
  return next;
}

}  // namespace shop::platform::http
