#pragma once
// Internal to the server: one client connection, served by one coroutine in a
// keep-alive loop. All members are touched only on the session's executor
// (a strand when the io_context has several threads).

#include "platform/http/server_state.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace shop::platform::http::detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerState& state, asio::ip::tcp::socket socket);

  /// Serves requests until the client leaves, a limit or timeout is hit, or
  /// a drain ends the connection; then unregisters from the state.
  asio::awaitable<void> Run();

  const asio::any_io_executor& executor() const { return executor_; }
  /// During a drain: ends the connection if it is still waiting for a next
  /// request after a short grace. A request under way, or one arriving within
  /// the grace, is answered with Connection: close.
  void StopIfIdle();
  /// Closes the socket whatever the connection is doing.
  void ForceClose();

 private:
  using Clock = std::chrono::steady_clock;
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;

  asio::awaitable<void> Loop();
  /// Reads, routes, runs and answers one request. False: close the connection.
  asio::awaitable<bool> ServeOne();
  /// Reads and parses the request header within header_limit; the error is
  /// bhttp::error::header_limit when it is too large.
  asio::awaitable<boost::system::error_code> ReadHeader();
  asio::awaitable<Response> RunBlocking(const Handler& chain, Request& request);
  /// Writes a response; reports the exchange. False: close the connection.
  asio::awaitable<bool> Reply(const Request& request, Response response, const Route* route,
                              Clock::time_point started, bool close, bool keep_alive_header);
  /// Half-closes, then discards what the client still sends for a moment, so
  /// that closing does not reset the connection before it read our answer.
  asio::awaitable<void> Linger();

  ServerState& state_;
  asio::any_io_executor executor_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::string head_;  // response head, reused across requests
  std::string remote_address_;
  std::optional<asio::steady_timer> drain_grace_;
  bool idle_ = false;
};

}  // namespace shop::platform::http::detail
