#pragma once
// Internal to the server: what every connection shares with the Server that
// accepted it. Lives exactly as long as the Server.

#include "platform/http/middleware_chain.hpp"
#include "platform/http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace shop::platform::http::detail {

namespace asio = boost::asio;

/// Completion token for awaited operations: errors come back as values,
/// because a timeout or a closed connection is routine, not exceptional.
inline constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

class Session;

class ServerState {
 public:
  ServerState(ServerOptions options, const Router& router, ServerHooks hooks)
      : options(std::move(options)),
        router(router),
        hooks(std::move(hooks)),
        blocking_pool(static_cast<std::size_t>(std::max(1, this->options.blocking_threads))) {}

  const ServerOptions options;
  const Router& router;
  const ServerHooks hooks;
  /// Set by the server before it accepts the first connection.
  const MiddlewareChains* chains = nullptr;

  asio::thread_pool blocking_pool;
  /// Blocking requests queued or running; bounded by options.blocking_queue.
  std::atomic<std::size_t> blocking_in_flight{0};
  std::atomic<bool> draining{false};
  /// Called (from any thread) when the last connection ends during a drain.
  std::function<void()> on_drained;

  void AddSession(const std::shared_ptr<Session>& session) {
    std::lock_guard lock(mutex_);
    sessions_.emplace(session.get(), session);
  }
  void RemoveSession(const Session* session) {
    bool drained = false;
    {
      std::lock_guard lock(mutex_);
      sessions_.erase(session);
      drained = sessions_.empty() && draining.load();
    }
    if (drained && on_drained) on_drained();
  }
  std::vector<std::shared_ptr<Session>> Sessions() const {
    std::vector<std::shared_ptr<Session>> out;
    std::lock_guard lock(mutex_);
    out.reserve(sessions_.size());
    for (const auto& [raw, weak] : sessions_) {
      if (auto strong = weak.lock()) out.push_back(std::move(strong));
    }
    return out;
  }
  std::size_t SessionCount() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const Session*, std::weak_ptr<Session>> sessions_;
};

}  // namespace shop::platform::http::detail
