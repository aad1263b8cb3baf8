// The Beast server over real loopback sockets: limits, the blocking pool,
// hooks, connection limits and the graceful drain. The client side is plain
// POSIX sockets so this file stays cheap to compile.
#include "platform/http/server.hpp"
#include "platform/http/middleware.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace shop::platform::http;
using namespace std::chrono_literals;

namespace {

/// A Server on an ephemeral loopback port, run on its own thread.
class TestServer {
 public:
  TestServer(const Router& router, ServerOptions options, std::vector<Middleware> middlewares = {},
             ServerHooks hooks = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    std::promise<std::uint16_t> listening;
    auto on_listening = hooks.on_listening;
    hooks.on_listening = [&listening, on_listening](std::uint16_t port) {
      if (on_listening) on_listening(port);
      listening.set_value(port);
    };
    server_ = std::make_unique<Server>(options, router, std::move(middlewares), std::move(hooks));
    thread_ = std::thread([this] {
      server_->Run();
      returned_ = true;
    });
    port_ = listening.get_future().get();
  }
  ~TestServer() {
    server_->Shutdown();
    thread_.join();
  }
  std::uint16_t port() const { return port_; }
  Server& server() { return *server_; }
  bool returned() const { return returned_; }
  /// Waits for Run() to return, up to `limit`.
  bool WaitReturned(std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!returned_ && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(10ms);
    return returned_;
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
  std::atomic<bool> returned_{false};
};

struct Reply {
  int status = 0;
  std::string head;
  std::string body;
  bool Has(std::string_view header_line) const { return head.find(header_line) != std::string::npos; }
};

/// A blocking loopback client speaking HTTP/1.1 by hand.
class Client {
 public:
  explicit Client(std::uint16_t port, std::chrono::milliseconds timeout = 5000ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// One response (Content-Length framed); nullopt if the connection closed first.
  std::optional<Reply> Read(bool head_request = false) {
    while (buffer_.find("\r\n\r\n") == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    Reply reply;
    const auto end = buffer_.find("\r\n\r\n");
    reply.head = buffer_.substr(0, end + 2);
    reply.status = std::stoi(reply.head.substr(9, 3));
    std::size_t length = 0;
    if (const auto cl = reply.head.find("Content-Length: "); cl != std::string::npos && !head_request) {
      length = std::stoul(reply.head.substr(cl + 16));
    }
    while (buffer_.size() < end + 4 + length) {
      if (!Fill()) return std::nullopt;
    }
    reply.body = buffer_.substr(end + 4, length);
    buffer_.erase(0, end + 4 + length);
    return reply;
  }

  /// True once the server closed the connection (EOF or reset), within the receive timeout.
  bool ClosedByPeer() {
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, 0);
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
  }

 private:
  bool Fill() {
    char chunk[4096];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
};

std::optional<Reply> Exchange(std::uint16_t port, std::string_view request) {
  Client client(port);
  if (!client.Send(request)) return std::nullopt;
  return client.Read();
}

std::string Get(std::string_view path) { return "GET " + std::string(path) + " HTTP/1.1\r\nHost: t\r\n\r\n"; }

std::string Post(std::string_view path, std::string_view body) {
  return "POST " + std::string(path) +
         " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

Response Echo(Request& request) { return Response::Text(200, request.body); }

}  // namespace

TEST_CASE("server: keep-alive, HEAD and 404/405 answers") {
  Router router;
  router.Get("/hello", [](Request&) { return Response::Text(200, "hello"); }, {.blocking = false});
  TestServer server(router, {});
  Client client(server.port());
  REQUIRE(client.Send(Get("/hello") + "HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n" + Get("/missing") +
                      "DELETE /hello HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto hello = client.Read();
  REQUIRE(hello);
  CHECK(hello->status == 200);
  CHECK(hello->body == "hello");
  auto head = client.Read(true);
  REQUIRE(head);
  CHECK(head->status == 200);
  CHECK(head->Has("Content-Length: 5\r\n"));
  auto missing = client.Read();
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->Has("Content-Type: application/problem+json"));
  auto wrong = client.Read();
  REQUIRE(wrong);
  CHECK(wrong->status == 405);
  CHECK(wrong->Has("Allow: GET, HEAD\r\n"));
}

TEST_CASE("server: body limits per route, checked before the body is read") {
  Router router;
  router.Post("/small", Echo, {.body_limit = 10});
  router.Post("/default", Echo);
  ServerOptions options;
  options.body_limit = 100;
  TestServer server(router, options);

  CHECK(Exchange(server.port(), Post("/small", "0123456789"))->body == "0123456789");
  CHECK(Exchange(server.port(), Post("/small", "0123456789A"))->status == 413);
  CHECK(Exchange(server.port(), Post("/default", std::string(100, 'x')))->status == 200);
  CHECK(Exchange(server.port(), Post("/default", std::string(101, 'x')))->status == 413);

  // Announced but never sent: the 413 must not wait for the body.
  Client client(server.port(), 2000ms);
  REQUIRE(client.Send("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\n\r\n"));
  auto refused = client.Read();
  REQUIRE(refused);
  CHECK(refused->status == 413);
  CHECK(refused->Has("Connection: close"));
  CHECK(client.ClosedByPeer());

  // Chunked bodies have no Content-Length up front: the parser stops them.
  auto chunked = Exchange(server.port(),
                          "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n");
  REQUIRE(chunked);
  CHECK(chunked->status == 413);
  auto small_chunked = Exchange(server.port(),
                                "POST /small HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "4\r\nabcd\r\n0\r\n\r\n");
  REQUIRE(small_chunked);
  CHECK(small_chunked->body == "abcd");
}

TEST_CASE("server: Expect: 100-continue gets an interim answer before the body") {
  Router router;
  router.Post("/echo", Echo);
  TestServer server(router, {});
  Client client(server.port());
  REQUIRE(client.Send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"));
  // The interim response has no Content-Length; Read() returns it as its own reply.
  auto interim = client.Read();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  REQUIRE(client.Send("abc"));
  auto final_reply = client.Read();
  REQUIRE(final_reply);
  CHECK(final_reply->body == "abc");
}

TEST_CASE("server: blocking routes run on the pool, non-blocking ones inline") {
  std::thread::id io_thread;
  std::thread::id blocking_thread;
  std::thread::id inline_thread;
  Router router;
  router.Get("/blocking", [&](Request&) {
    blocking_thread = std::this_thread::get_id();
    return Response::Text(200, "b");
  });
  router.Get("/inline",
             [&](Request&) {
               inline_thread = std::this_thread::get_id();
               return Response::Text(200, "i");
             },
             {.blocking = false});
  ServerHooks hooks;
  // Run() calls on_listening on the thread that then runs the io_context.
  hooks.on_listening = [&](std::uint16_t) { io_thread = std::this_thread::get_id(); };
  TestServer server(router, {}, {}, hooks);
  CHECK(Exchange(server.port(), Get("/blocking"))->status == 200);
  CHECK(Exchange(server.port(), Get("/inline"))->status == 200);
  CHECK(inline_thread == io_thread);
  CHECK(blocking_thread != io_thread);
  CHECK(blocking_thread != std::thread::id{});
}

TEST_CASE("server: a full blocking queue answers 503 with Retry-After, I/O keeps flowing") {
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> started{0};
  Router router;
  router.Get("/slow", [&](Request&) {
    ++started;
    released.wait();
    return Response::Text(200, "done");
  });
  router.Get("/fast", [](Request&) { return Response::Text(200, "fast"); }, {.blocking = false});
  ServerOptions options;
  options.blocking_threads = 1;
  options.blocking_queue = 1;
  TestServer server(router, options);

  Client slow(server.port());
  REQUIRE(slow.Send(Get("/slow")));
  while (started.load() == 0) std::this_thread::sleep_for(5ms);

  auto busy = Exchange(server.port(), Get("/slow"));
  REQUIRE(busy);
  CHECK(busy->status == 503);
  CHECK(busy->Has("Retry-After: 1\r\n"));
  CHECK(Exchange(server.port(), Get("/fast"))->status == 200);

  release.set_value();
  auto done = slow.Read();
  REQUIRE(done);
  CHECK(done->body == "done");
}

TEST_CASE("server: on_exchange sees every answer, including early refusals") {
  std::mutex mutex;
  std::vector<int> statuses;
  std::vector<const Route*> routes;
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); });
  ServerHooks hooks;
  hooks.on_exchange = [&](const CompletedExchange& exchange) {
    std::lock_guard lock(mutex);
    statuses.push_back(exchange.status);
    routes.push_back(exchange.route);
    CHECK(exchange.request != nullptr);
    CHECK(exchange.response_bytes > 0);
  };
  TestServer server(router, {}, {}, hooks);
  CHECK(Exchange(server.port(), Get("/ok"))->status == 200);
  CHECK(Exchange(server.port(), "GARBAGE\r\n\r\n")->status == 400);
  CHECK(
      Exchange(server.port(), "GET /ok HTTP/1.1\r\nHost: t\r\nX-Big: " + std::string(9000, 'a') + "\r\n\r\n")
          ->status == 431);
  CHECK(Exchange(server.port(), Get("/nope"))->status == 404);
  // The hook runs after the response is written, so it may trail the client a little.
  const auto deadline = std::chrono::steady_clock::now() + 2000ms;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard lock(mutex);
      if (statuses.size() >= 4) break;
    }
    std::this_thread::sleep_for(5ms);
  }
  std::lock_guard lock(mutex);
  CHECK(statuses == std::vector<int>{200, 400, 431, 404});
  REQUIRE(routes.size() == 4);
  CHECK(routes[0] == router.Routes()[0].get());
  CHECK(routes[1] == nullptr);
  CHECK(routes[3] == nullptr);
}

TEST_CASE("server: handler failures become 500s without internals") {
  Router router;
  router.Get("/throws", [](Request&) -> Response { throw std::runtime_error("db password is hunter2"); });
  router.Get("/splits", [](Request&) { return Response::Redirect("/x\r\nSet-Cookie: evil=1"); });
  TestServer server(router, {});  // no ErrorBoundary: the server's own last line
  auto thrown = Exchange(server.port(), Get("/throws"));
  REQUIRE(thrown);
  CHECK(thrown->status == 500);
  CHECK(thrown->body.find("hunter2") == std::string::npos);
  auto split = Exchange(server.port(), Get("/splits"));
  REQUIRE(split);
  CHECK(split->status == 500);
  CHECK_FALSE(split->Has("evil"));
}

TEST_CASE("server: header and idle timeouts close the connection") {
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); });
  ServerOptions options;
  options.header_timeout = 300ms;
  options.idle_timeout = 300ms;
  TestServer server(router, options);

  Client slow(server.port(), 3000ms);
  REQUIRE(slow.Send("GET /ok HTTP/1.1\r\n"));
  const auto start = std::chrono::steady_clock::now();
  CHECK(slow.ClosedByPeer());
  CHECK(std::chrono::steady_clock::now() - start < 2000ms);

  Client idle(server.port(), 3000ms);
  REQUIRE(idle.Send(Get("/ok")));
  REQUIRE(idle.Read());
  CHECK(idle.ClosedByPeer());
}

TEST_CASE("server: beyond max_connections a connection gets 503 and is closed") {
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); });
  ServerOptions options;
  options.max_connections = 1;
  TestServer server(router, options);
  Client first(server.port());
  REQUIRE(first.Send(Get("/ok")));
  REQUIRE(first.Read());  // the first connection is registered and held open
  Client second(server.port());
  auto refused = second.Read();
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(second.ClosedByPeer());
}

TEST_CASE("server: a drain closes idle connections, finishes in-flight ones, then Run returns") {
  std::promise<void> entered;
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); }, {.blocking = false});
  router.Get("/slow", [&](Request&) {
    entered.set_value();
    std::this_thread::sleep_for(300ms);
    return Response::Text(200, "slow");
  });
  std::atomic<bool> drain_hook{false};
  ServerHooks hooks;
  hooks.on_draining = [&] { drain_hook = true; };
  TestServer server(router, {}, PlatformMiddlewares(), hooks);

  Client idle(server.port());
  REQUIRE(idle.Send(Get("/ok")));
  REQUIRE(idle.Read());
  Client busy(server.port());
  REQUIRE(busy.Send(Get("/slow")));
  entered.get_future().wait();

  server.server().Shutdown();
  CHECK(server.server().Draining());
  CHECK(idle.ClosedByPeer());
  auto finished = busy.Read();
  REQUIRE(finished);
  CHECK(finished->status == 200);
  CHECK(finished->body == "slow");
  CHECK(finished->Has("Connection: close\r\n"));
  CHECK(server.WaitReturned(3000ms));
  CHECK(drain_hook.load());
  Client late(server.port());
  CHECK_FALSE(late.connected());
}

TEST_CASE("server: a request arriving on an idle connection just after the drain began is still answered") {
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); }, {.blocking = false});
  TestServer server(router, {});
  Client client(server.port());
  REQUIRE(client.Send(Get("/ok")));
  REQUIRE(client.Read());
  server.server().Shutdown();
  REQUIRE(client.Send(Get("/ok")));
  auto last = client.Read();
  REQUIRE(last);
  CHECK(last->status == 200);
  CHECK(last->Has("Connection: close\r\n"));
  CHECK(client.ClosedByPeer());
  CHECK(server.WaitReturned(3000ms));
}

TEST_CASE("server: the drain timeout force-closes what does not finish") {
  Router router;
  router.Get("/stuck", [](Request&) {
    std::this_thread::sleep_for(1500ms);
    return Response::Text(200, "late");
  });
  ServerOptions options;
  options.drain_timeout = 200ms;
  TestServer server(router, options);
  Client stuck(server.port(), 5000ms);
  REQUIRE(stuck.Send(Get("/stuck")));
  std::this_thread::sleep_for(100ms);
  const auto start = std::chrono::steady_clock::now();
  server.server().Shutdown();
  CHECK_FALSE(stuck.Read());  // closed, not answered
  CHECK(std::chrono::steady_clock::now() - start < 1000ms);
  CHECK(server.WaitReturned(5000ms));
}

TEST_CASE("server: binding a taken port throws std::system_error") {
  Router router;
  router.Get("/ok", [](Request&) { return Response::Text(200, "ok"); });
  TestServer first(router, {});
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = first.port();
  Server second(options, router, {});
  CHECK_THROWS_AS(second.Run(), std::system_error);
}
