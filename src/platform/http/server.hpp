#pragma once
/// The HTTP/1.1 server: Boost.Beast on Asio awaitables, one coroutine per
/// connection (DESIGN §2). This header carries no Beast or Asio types so that
/// the composition root and tests can include it cheaply.
///
/// Limits: request header ≤ header_limit bytes (→ 431); body ≤ the route's
/// limit, checked from Content-Length before the body is read (→ 413);
/// Content-Length together with Transfer-Encoding → 400; malformed request →
/// 400; a client that does not finish its header within header_timeout is
/// dropped. Blocking routes run on a bounded pool (full → 503 + Retry-After).
/// SIGTERM/SIGINT start a graceful drain: stop accepting, close idle
/// keep-alive connections, finish in-flight requests, then Run() returns.

#include "platform/http/router.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace shop::platform::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  ///< 0 → an ephemeral port (see Server::port())
  int io_threads = 1;
  int blocking_threads = 4;
  std::size_t blocking_queue = 1024;  ///< queued + running blocking requests before 503
  std::size_t max_connections = 10000;
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 1024 * 1024;  ///< default per-route body limit
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds body_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{30'000};
  std::chrono::milliseconds drain_timeout{25'000};
};

/// Everything the access log and metrics need about one finished exchange,
/// including answers made before routing (431, 413, 400).
struct CompletedExchange {
  const Request* request = nullptr;  ///< may be partially filled for early errors
  int status = 0;
  std::size_t response_bytes = 0;
  const Route* route = nullptr;  ///< null when no route matched
  std::chrono::nanoseconds duration{0};
};

struct ServerHooks {
  /// Called once per response, on the thread that wrote it. Must be cheap
  /// and thread-safe.
  std::function<void(const CompletedExchange&)> on_exchange;
  /// Called when the listener is bound (with the real port) and when draining starts.
  std::function<void(std::uint16_t port)> on_listening;
  std::function<void()> on_draining;
};

class Server {
 public:
  /// `router` and the middlewares must outlive the server. Middlewares run in
  /// order around every routed handler, on the thread that runs the handler
  /// (the first is outermost); 404 and 405 answers pass through them too.
  /// Every route must be registered before Run(), which composes the chains.
  Server(ServerOptions options, const Router& router, std::vector<Middleware> middlewares,
         ServerHooks hooks = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Binds, serves and blocks until a drain completes. Installs SIGTERM and
  /// SIGINT handlers that call Shutdown() (a second signal during the drain
  /// closes every connection at once). Throws std::system_error if the
  /// address cannot be bound. Call at most once.
  void Run();
  /// Starts a graceful drain; safe from any thread, idempotent.
  void Shutdown();
  bool Draining() const;
  /// The bound port once listening (useful with port 0).
  std::uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::platform::http
