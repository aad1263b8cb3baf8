#pragma once
/// One synchronous hiredis connection, set up for the Redis KvStore:
/// connected with a timeout, authenticated, on the right database, with the
/// store's Lua scripts loaded. Internal to platform/kv.
///
/// Thread-safety: none; the pool hands a connection to one caller at a time.

#include "platform/kv/redis_url.hpp"

#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace shop::platform::kv {

struct ReplyDeleter {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

class RedisConnection {
 public:
  /// Connects and prepares the connection. Throws KvError if Redis cannot be
  /// reached within `timeout` or refuses AUTH / SELECT / SCRIPT LOAD.
  RedisConnection(const RedisEndpoint& endpoint, std::chrono::milliseconds timeout,
                  const std::vector<std::string>& scripts);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  /// Sends one command and waits for its reply, which may be an error reply
  /// (REDIS_REPLY_ERROR) on a healthy connection. nullptr when the
  /// connection failed; it is unusable afterwards (see Failure()).
  Reply Command(const std::vector<std::string_view>& args);

  /// Runs script number `script` (as passed to the constructor) with one key
  /// and `args`, by SHA, resending the source if Redis lost its script cache.
  Reply Script(std::size_t script, std::string_view key, const std::vector<std::string_view>& args);

  /// Why the last Command failed.
  const std::string& Failure() const noexcept { return failure_; }
  /// True if the last failure means the server had closed the connection,
  /// so the command cannot have run and may be resent on a new connection.
  /// False for a timeout: the server may still apply the command.
  bool FailureRetryable() const noexcept { return retryable_; }

 private:
  [[noreturn]] void ThrowSetupError(std::string_view step, const redisReply* reply) const;

  redisContext* context_ = nullptr;
  std::string where_;  // "host:port" for messages
  std::vector<std::string> scripts_;
  std::vector<std::string> shas_;
  std::string failure_;
  bool retryable_ = false;
};

}  // namespace shop::platform::kv
