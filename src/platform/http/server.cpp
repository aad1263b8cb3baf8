#include "platform/http/server.hpp"

#include "platform/http/session.hpp"
#include "platform/http/wire.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <csignal>
#include <optional>
#include <system_error>
#include <thread>

namespace shop::platform::http {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

// After a forced close, how long sessions get to unwind before the io_context
// is stopped outright (a handler stuck on the blocking pool, say).
constexpr std::chrono::seconds kForceGrace{2};
// Pause after an accept error such as EMFILE, instead of spinning on it.
constexpr std::chrono::milliseconds kAcceptBackoff{50};

void LogEscaped(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("http server task failed: {}", e.what());
  } catch (...) {
    spdlog::error("http server task failed with a non-standard exception");
  }
}

[[noreturn]] void ThrowListenError(const error_code& ec, const ServerOptions& options) {
  throw std::system_error(std::error_code(ec.value(), std::system_category()),
                          "cannot listen on " + options.host + ":" + std::to_string(options.port));
}

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router, std::vector<Middleware> middlewares, ServerHooks hooks)
      : middlewares_(std::move(middlewares)),
        state_(std::move(options), router, std::move(hooks)),
        io_(std::max(1, state_.options.io_threads)),
        control_(asio::make_strand(io_)),
        acceptor_(control_),
        signals_(control_),
        drain_timer_(control_),
        accept_backoff_(control_) {
    state_.on_drained = [this] { asio::post(control_, [this] { FinishDrain(); }); };
  }

  ~Impl() {
    // A job still on the pool refers to a coroutine frame owned by io_;
    // let it finish before io_ (declared after state_) is destroyed.
    state_.blocking_pool.stop();
    state_.blocking_pool.join();
  }

  void Run() {
    chains_.emplace(state_.router, middlewares_);
    state_.chains = &*chains_;
    Listen();
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    WaitForSignal();
    asio::co_spawn(control_, AcceptLoop(), LogEscaped);

    std::vector<std::thread> extra;
    for (int i = 1; i < state_.options.io_threads; ++i) extra.emplace_back([this] { io_.run(); });
    io_.run();
    for (auto& thread : extra) thread.join();
  }

  void Shutdown() {
    if (state_.draining.exchange(true, std::memory_order_acq_rel)) return;
    asio::post(control_, [this] { BeginDrain(); });
  }

  bool Draining() const { return state_.draining.load(std::memory_order_acquire); }
  std::uint16_t port() const { return port_.load(std::memory_order_acquire); }

 private:
  void Listen() {
    const auto& options = state_.options;
    error_code ec;
    tcp::endpoint endpoint;
    const auto address = asio::ip::make_address(options.host, ec);
    if (!ec) {
      endpoint = tcp::endpoint(address, options.port);
    } else {
      tcp::resolver resolver(io_);
      const auto results = resolver.resolve(options.host, std::to_string(options.port), ec);
      if (ec || results.empty()) ThrowListenError(ec ? ec : asio::error::host_not_found, options);
      endpoint = results.begin()->endpoint();
    }
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) ThrowListenError(ec, options);
    port_.store(acceptor_.local_endpoint().port(), std::memory_order_release);
    if (state_.hooks.on_listening) state_.hooks.on_listening(port());
  }

  void WaitForSignal() {
    signals_.async_wait(asio::bind_executor(control_, [this](const error_code& ec, int) {
      if (ec || finished_) return;
      // A second signal while draining means "now".
      if (Draining() && drain_started_) {
        ForceCloseAll();
      } else {
        Shutdown();
      }
      WaitForSignal();
    }));
  }

  asio::awaitable<void> AcceptLoop() {
    const bool many_threads = state_.options.io_threads > 1;
    for (;;) {
      // With several io threads each connection gets a strand: the stream's
      // timer and its reads must never run concurrently.
      asio::any_io_executor executor = many_threads ? asio::any_io_executor(asio::make_strand(io_))
                                                    : asio::any_io_executor(io_.get_executor());
      auto [ec, socket] = co_await acceptor_.async_accept(executor, detail::kAwaitTuple);
      if (!acceptor_.is_open() || Draining()) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        accept_backoff_.expires_after(kAcceptBackoff);
        co_await accept_backoff_.async_wait(detail::kAwaitTuple);
        continue;
      }
      if (state_.SessionCount() >= state_.options.max_connections) {
        RefuseBusy(socket);
        continue;
      }
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto session = std::make_shared<detail::Session>(state_, std::move(socket));
      state_.AddSession(session);
      asio::co_spawn(
          session->executor(), [session] { return session->Run(); }, LogEscaped);
    }
  }

  // Over max_connections: a best-effort 503 without reading the request, then close.
  void RefuseBusy(tcp::socket& socket) {
    Response response = Response::Problem(Error::Unavailable("too many connections, retry shortly"));
    response.headers.Set("Retry-After", "1");
    std::string text;
    AppendResponseHead(response, WireFraming{.close = true}, text);
    text.append(response.body);
    error_code ec;
    socket.non_blocking(true, ec);
    const std::size_t written = ec ? 0 : socket.write_some(asio::buffer(text), ec);
    socket.shutdown(tcp::socket::shutdown_both, ec);
    socket.close(ec);
    if (state_.hooks.on_exchange) {
      const Request empty;
      CompletedExchange exchange;
      exchange.request = &empty;
      exchange.status = response.status;
      exchange.response_bytes = written;
      state_.hooks.on_exchange(exchange);
    }
  }

  // On control_. Stop accepting, end idle connections, let busy ones finish.
  void BeginDrain() {
    if (drain_started_) return;
    drain_started_ = true;
    if (state_.hooks.on_draining) {
      try {
        state_.hooks.on_draining();
      } catch (const std::exception& e) {
        spdlog::error("on_draining hook failed: {}", e.what());
      }
    }
    error_code ignored;
    acceptor_.close(ignored);
    accept_backoff_.cancel();
    for (auto& session : state_.Sessions()) {
      asio::post(session->executor(), [session] { session->StopIfIdle(); });
    }
    drain_timer_.expires_after(state_.options.drain_timeout);
    drain_timer_.async_wait(asio::bind_executor(control_, [this](const error_code& ec) {
      if (ec || finished_) return;
      spdlog::warn("http drain timeout: closing {} connection(s)", state_.SessionCount());
      ForceCloseAll();
      drain_timer_.expires_after(kForceGrace);
      drain_timer_.async_wait(asio::bind_executor(control_, [this](const error_code& ec2) {
        if (ec2 || finished_) return;
        io_.stop();
      }));
    }));
    if (state_.SessionCount() == 0) FinishDrain();
  }

  void ForceCloseAll() {
    for (auto& session : state_.Sessions()) {
      asio::post(session->executor(), [session] { session->ForceClose(); });
    }
  }

  // On control_, once no connection is left: cancel what would keep
  // io_.run() busy so that Run() returns.
  void FinishDrain() {
    if (finished_ || !drain_started_ || state_.SessionCount() != 0) return;
    finished_ = true;
    error_code ignored;
    drain_timer_.cancel();
    accept_backoff_.cancel();
    signals_.cancel(ignored);
    acceptor_.close(ignored);
  }

  std::vector<Middleware> middlewares_;
  std::optional<MiddlewareChains> chains_;
  detail::ServerState state_;
  asio::io_context io_;
  asio::strand<asio::io_context::executor_type> control_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer drain_timer_;
  asio::steady_timer accept_backoff_;
  std::atomic<std::uint16_t> port_{0};
  // Only touched on control_.
  bool drain_started_ = false;
  bool finished_ = false;
};

Server::Server(ServerOptions options, const Router& router, std::vector<Middleware> middlewares,
               ServerHooks hooks)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(middlewares), std::move(hooks))) {}

Server::~Server() = default;

void Server::Run() { impl_->Run(); }
void Server::Shutdown() { impl_->Shutdown(); }
bool Server::Draining() const { return impl_->Draining(); }
std::uint16_t Server::port() const { return impl_->port(); }

}  // namespace shop::platform::http
