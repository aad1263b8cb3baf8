#include "platform/http/session.hpp"

#include "platform/http/wire.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include <array>
#include <exception>
#include <tuple>

namespace shop::platform::http::detail {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 8192;
constexpr std::size_t kLingerBytes = 64 * 1024;
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::chrono::milliseconds kDrainIdleGrace{100};

// Runs a chain and turns any escaped exception into a 500, so no handler can
// take a connection (or, on the pool, a thread) down with it. The platform's
// ErrorBoundary normally catches first; this is the last line.
Response RunSafely(const Handler& chain, Request& request) noexcept {
  std::string what;
  try {
    return chain(request);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "non-standard exception";
  }
  try {
    spdlog::error("unhandled exception: request_id={} route={} path={} error={}", request.request_id,
                  request.route, request.path, what);
  } catch (...) {
  }
  return Response::Problem(
      Error::Internal(request.request_id.empty() ? "internal error"
                                                 : "internal error, request id " + request.request_id),
      request.path);
}

// Runs `chain` on the blocking pool and resumes the awaiting coroutine on its
// own executor. (co_await post(pool) would not move the coroutine back.)
template <class Token>
auto AsyncRunOnPool(ServerState& state, const Handler& chain, Request& request, Token&& token) {
  return asio::async_initiate<Token, void(Response)>(
      [&state, &chain, &request](auto handler) {
        auto io_executor = asio::get_associated_executor(handler);
        // The work guard keeps the io_context running while the job is away,
        // so the suspended coroutine (and `request`, which lives in it) stays alive.
        asio::post(state.blocking_pool, [&state, &chain, &request, handler = std::move(handler),
                                         work = asio::make_work_guard(io_executor)]() mutable {
          Response response = RunSafely(chain, request);
          state.blocking_in_flight.fetch_sub(1, std::memory_order_acq_rel);
          asio::post(work.get_executor(),
                     [handler = std::move(handler), response = std::move(response)]() mutable {
                       std::move(handler)(std::move(response));
                     });
        });
      },
      token);
}

bool IsHttpProtocolError(const error_code& ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message &&
         ec != bhttp::error::need_more;
}

bool IsTokenIgnoreCase(std::string_view value, std::string_view token) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return EqualsIgnoreCase(value, token);
}

// Splits the request-target into a decoded path and the raw query. Accepts
// origin-form ("/a?b") and absolute-form ("http://host/a?b", RFC 9112 §3.2.2).
bool SplitTarget(Request& request) {
  std::string_view target = request.target;
  for (std::string_view scheme : {std::string_view("http://"), std::string_view("https://")}) {
    if (target.size() >= scheme.size() && EqualsIgnoreCase(target.substr(0, scheme.size()), scheme)) {
      const auto slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (target.empty() || target.front() != '/') return false;
  const auto question = target.find('?');
  const std::string_view raw_path = target.substr(0, question);
  if (question != std::string_view::npos) request.query_string.assign(target.substr(question + 1));
  if (raw_path.find('%') == std::string_view::npos) {
    request.path.assign(raw_path);
    return true;
  }
  auto decoded = PercentDecode(raw_path, false);
  if (!decoded || decoded->find('\0') != std::string::npos) return false;
  request.path = std::move(*decoded);
  return true;
}

std::string AllowHeader(const std::vector<Method>& allowed) {
  std::string out;
  for (Method method : allowed) {
    if (!out.empty()) out.append(", ");
    out.append(MethodName(method));
  }
  return out;
}

Response BadRequest(std::string detail) { return Response::Problem(Error::InvalidInput(std::move(detail))); }

Response HeaderTooLarge(std::size_t limit) {
  return Response::ProtocolProblem(431, "header-too-large", "Request header too large",
                                   "the request header exceeds " + std::to_string(limit) + " bytes");
}

Response PayloadTooLarge(std::size_t limit, std::string_view path) {
  return Response::Problem(
      Error{ErrorCode::kPayloadTooLarge, "the request body exceeds " + std::to_string(limit) + " bytes", {}},
      path);
}

// Checks a parsed header and fills method, target, path and query. Returns
// the answer to send instead when the request is unusable.
template <class Parser>
std::optional<Response> AcceptHeader(const Parser& parser, Request& request) {
  const auto& message = parser.get();
  request.method = ParseMethod(message.method_string());
  request.target.assign(message.target());
  if (message.version() != 11 && message.version() != 10) return BadRequest("unsupported HTTP version");
  // Request smuggling: a body framed two ways, or framed by anything but
  // chunked, is refused rather than guessed at (RFC 9112 §6.1, §6.3).
  if (message.find(bhttp::field::transfer_encoding) != message.end()) {
    if (message.find(bhttp::field::content_length) != message.end()) {
      return BadRequest("Content-Length with Transfer-Encoding");
    }
    if (!parser.chunked()) return BadRequest("unsupported Transfer-Encoding");
  }
  if (message.version() == 11 && message.find(bhttp::field::host) == message.end()) {
    return BadRequest("missing Host header");
  }
  if (!SplitTarget(request)) return BadRequest("malformed request target");
  return std::nullopt;
}

}  // namespace

Session::Session(ServerState& state, asio::ip::tcp::socket socket)
    : state_(state), executor_(socket.get_executor()), stream_(std::move(socket)) {
  error_code ec;
  const auto endpoint = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
  head_.reserve(512);
}

void Session::StopIfIdle() {
  if (!idle_ || drain_grace_) return;
  // A busy keep-alive client has usually sent its next request already, or
  // is about to: closing at once would reset it with nothing answered. A
  // short grace lets that request through (answered with Connection: close);
  // a connection still idle afterwards is closed.
  drain_grace_.emplace(executor_);
  drain_grace_->expires_after(kDrainIdleGrace);
  drain_grace_->async_wait([weak = weak_from_this()](const error_code& ec) {
    auto self = weak.lock();
    if (ec || !self || !self->idle_) return;
    error_code ignored;
    self->stream_.socket().cancel(ignored);
  });
}

void Session::ForceClose() {
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

asio::awaitable<void> Session::Run() {
  try {
    co_await Loop();
  } catch (const std::exception& e) {
    spdlog::error("http connection from {} failed: {}", remote_address_, e.what());
  } catch (...) {
    spdlog::error("http connection from {} failed with a non-standard exception", remote_address_);
  }
  if (drain_grace_) drain_grace_->cancel();
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  stream_.close();
  state_.RemoveSession(this);
}

asio::awaitable<void> Session::Loop() {
  const auto& options = state_.options;
  // The first request's header deadline runs from accept; later ones from
  // their first byte, after an idle wait of their own.
  stream_.expires_after(options.header_timeout);
  bool first = true;
  for (;;) {
    if (buffer_.size() == 0) {
      if (!first) stream_.expires_after(options.idle_timeout);
      idle_ = true;
      // Became idle after the drain began (its last answer was already on
      // the way): the same grace applies as to connections idle at the start.
      if (state_.draining.load(std::memory_order_acquire)) StopIfIdle();
      auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kAwaitTuple);
      idle_ = false;
      if (ec) co_return;  // gone, idle too long, or stopped by a drain
      buffer_.commit(n);
    }
    if (!first) stream_.expires_after(options.header_timeout);
    first = false;
    if (!co_await ServeOne()) co_return;
  }
}

asio::awaitable<bool> Session::ServeOne() {
  const auto& options = state_.options;
  const Clock::time_point started = Clock::now();
  Request request;
  request.remote_address = remote_address_;
  // Every early answer is built into this named local: g++ 12 can destroy a
  // temporary twice when it appears inside a co_await expression.
  std::optional<Response> refusal;

  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));
  // Beast would otherwise apply its own 1 MB default while parsing the
  // header; the route's limit is applied below, once the route is known.
  parser_->body_limit(boost::none);

  error_code ec = co_await ReadHeader();
  if (ec == bhttp::error::header_limit) {
    refusal = HeaderTooLarge(options.header_limit);
  } else if (ec) {
    if (!IsHttpProtocolError(ec)) co_return false;  // timeout, reset, or the client left mid-header
    refusal = BadRequest("malformed request");
  } else {
    refusal = AcceptHeader(*parser_, request);
  }

  RouteMatch match;
  if (!refusal) match = state_.router.Find(request.method, request.path);
  const Route* route = match.kind == RouteMatch::Kind::kFound ? match.route : nullptr;
  const std::size_t body_limit =
      route && route->options.body_limit != 0 ? route->options.body_limit : options.body_limit;
  if (!refusal) {
    if (const auto length = parser_->content_length(); length && *length > body_limit) {
      refusal = PayloadTooLarge(body_limit, request.path);
    }
  }

  if (!refusal && !parser_->is_done()) {
    parser_->body_limit(body_limit);
    const auto& message = parser_->get();
    if (const auto expect = message.find(bhttp::field::expect);
        expect != message.end() && message.version() == 11 &&
        IsTokenIgnoreCase(expect->value(), "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(options.write_timeout);
      auto [write_ec, written] = co_await asio::async_write(stream_, asio::buffer(kContinue), kAwaitTuple);
      if (write_ec) co_return false;
    }
    stream_.expires_after(options.body_timeout);
    std::tie(ec, std::ignore) = co_await bhttp::async_read(stream_, buffer_, *parser_, kAwaitTuple);
    if (ec == bhttp::error::body_limit) {
      refusal = PayloadTooLarge(body_limit, request.path);
    } else if (ec) {
      if (!IsHttpProtocolError(ec)) co_return false;
      refusal = BadRequest("malformed request body");
    }
  }

  if (refusal) {
    co_await Reply(request, std::move(*refusal), nullptr, started, /*close=*/true, false);
    co_await Linger();
    co_return false;
  }

  const auto& message = parser_->get();
  request.headers.Reserve(static_cast<std::size_t>(std::distance(message.begin(), message.end())));
  for (const auto& field : message)
    request.headers.Add(std::string(field.name_string()), std::string(field.value()));
  request.body = std::move(parser_->get().body());
  const bool keep_alive = parser_->keep_alive();
  const bool keep_alive_header = keep_alive && message.version() == 10;

  Response response;
  switch (match.kind) {
    case RouteMatch::Kind::kFound: {
      request.route = route->pattern;
      request.path_params = std::move(match.params);
      const Handler& chain = state_.chains->For(*route);
      if (route->options.blocking) {
        response = co_await RunBlocking(chain, request);
      } else {
        response = RunSafely(chain, request);
      }
      break;
    }
    case RouteMatch::Kind::kMethodNotAllowed:
      response = RunSafely(state_.chains->MethodNotAllowed(), request);
      response.headers.Set("Allow", AllowHeader(match.allowed));
      break;
    case RouteMatch::Kind::kNotFound:
      response = RunSafely(state_.chains->NotFound(), request);
      break;
  }
  co_return co_await Reply(request, std::move(response), route, started, !keep_alive, keep_alive_header);
}

asio::awaitable<error_code> Session::ReadHeader() {
  // Beast's header_limit only bounds what one put() sees, and put() consumes
  // every complete field, so a header arriving in pieces could grow without
  // bound. The total is therefore counted here, across reads.
  const std::size_t limit = state_.options.header_limit;
  std::size_t consumed = 0;
  for (;;) {
    error_code ec;
    if (buffer_.size() != 0) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      consumed += used;
    } else {
      ec = bhttp::error::need_more;
    }
    if (parser_->is_header_done()) {
      co_return consumed > limit ? error_code(bhttp::error::header_limit) : ec;
    }
    if (ec != bhttp::error::need_more) co_return ec;
    if (consumed + buffer_.size() >= limit) co_return bhttp::error::header_limit;
    // The whole header usually arrives with the first read, so this loop
    // rarely goes back to the socket.
    auto [read_ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kAwaitTuple);
    if (read_ec == asio::error::eof) {
      co_return parser_->got_some() ? error_code(bhttp::error::partial_message)
                                    : error_code(bhttp::error::end_of_stream);
    }
    if (read_ec) co_return read_ec;
    buffer_.commit(n);
  }
}

asio::awaitable<Response> Session::RunBlocking(const Handler& chain, Request& request) {
  if (state_.blocking_in_flight.fetch_add(1, std::memory_order_acq_rel) >= state_.options.blocking_queue) {
    state_.blocking_in_flight.fetch_sub(1, std::memory_order_acq_rel);
    Response busy = Response::Problem(Error::Unavailable("the server is busy, retry shortly"), request.path);
    busy.headers.Set("Retry-After", "1");
    co_return busy;
  }
  co_return co_await AsyncRunOnPool(state_, chain, request, asio::use_awaitable);
}

asio::awaitable<bool> Session::Reply(const Request& request, Response response, const Route* route,
                                     Clock::time_point started, bool close, bool keep_alive_header) {
  if (state_.draining.load(std::memory_order_acquire)) close = true;
  // A handler may ask to end the connection after its answer.
  if (const auto connection = response.headers.Get("Connection");
      connection && IsTokenIgnoreCase(*connection, "close")) {
    close = true;
  }
  head_.clear();
  if (!AppendResponseHead(response, WireFraming{close, keep_alive_header && !close}, head_)) {
    spdlog::error("handler for {} returned an unsendable response (status {} or a malformed header)",
                  request.route.empty() ? request.path : request.route, response.status);
    response = Response::Problem(Error::Internal("internal error"), request.path);
    head_.clear();
    AppendResponseHead(response, WireFraming{close, keep_alive_header && !close}, head_);
  }
  const bool send_body = request.method != Method::kHead;
  const std::array<asio::const_buffer, 2> buffers{
      asio::buffer(head_), send_body ? asio::buffer(response.body) : asio::const_buffer()};

  stream_.expires_after(state_.options.write_timeout);
  auto [ec, written] = co_await asio::async_write(stream_, buffers, kAwaitTuple);

  if (state_.hooks.on_exchange) {
    CompletedExchange exchange;
    exchange.request = &request;
    exchange.status = response.status;
    exchange.response_bytes = written;
    exchange.route = route;
    exchange.duration = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - started);
    try {
      state_.hooks.on_exchange(exchange);
    } catch (const std::exception& e) {
      spdlog::error("on_exchange hook failed: {}", e.what());
    }
  }
  co_return !ec && !close;
}

asio::awaitable<void> Session::Linger() {
  error_code ec;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  stream_.expires_after(std::min<std::chrono::milliseconds>(kLingerTime, state_.options.header_timeout));
  std::array<char, 4096> discard;
  std::size_t total = 0;
  while (total < kLingerBytes) {
    auto [rec, n] = co_await stream_.async_read_some(asio::buffer(discard), kAwaitTuple);
    if (rec) break;
    total += n;
  }
}

}  // namespace shop::platform::http::detail
