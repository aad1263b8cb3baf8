#pragma once
/// A bounded pool of RedisConnection for the Redis KvStore (internal).
/// Connections are opened on demand up to `size`, reused afterwards, and
/// dropped when they fail.
///
/// Thread-safety: Run may be called from any number of threads.

#include "platform/kv/redis_connection.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace shop::platform::kv {

class RedisPool {
 public:
  RedisPool(RedisEndpoint endpoint, int size, std::chrono::milliseconds timeout,
            std::vector<std::string> scripts);

  /// Borrows a connection, runs `call` on it and returns its reply (possibly
  /// an error reply). If the connection turns out to have been closed by the
  /// server, the idle connections are dropped too (a restart closes them
  /// all) and `call` is retried once on a new connection. Throws KvError when
  /// no connection frees up within the timeout, Redis cannot be reached, or
  /// the command fails on the retry or by timing out.
  Reply Run(const std::function<Reply(RedisConnection&)>& call);

  const RedisEndpoint& endpoint() const noexcept { return endpoint_; }

 private:
  std::unique_ptr<RedisConnection> Acquire();
  void Release(std::unique_ptr<RedisConnection> connection);
  /// Forgets a broken connection (already destroyed by the caller) and, if
  /// `drop_idle`, closes the idle ones as well.
  void Forget(bool drop_idle);

  const RedisEndpoint endpoint_;
  const int size_;
  const std::chrono::milliseconds timeout_;
  const std::vector<std::string> scripts_;

  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
  int open_ = 0;  // idle + borrowed + being opened
};

}  // namespace shop::platform::kv
