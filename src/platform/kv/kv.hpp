#pragma once
/// Key-value store for short-lived shared state: carts, sessions, rate
/// limits, idempotency locks (DESIGN §1, §7). Two implementations with the
/// same contract: an embedded in-memory store for a single instance, and
/// Redis when several instances share state. Chosen by `redis.url`.
///
/// Contract common to both:
/// - Keys and values are arbitrary byte strings.
/// - A TTL, where given, must be positive (std::invalid_argument otherwise);
///   std::nullopt means "no expiry". A write without a TTL clears any
///   previous one, as Redis SET does.
/// - Every operation is atomic on its key, and every method is safe to call
///   from many threads at once.
/// - Expected outcomes are return values (absent key → nullopt / false). A
///   KvError means the store itself failed (Redis unreachable, timed out, or
///   Increment on a value that is not an integer).

#include "platform/clock/clock.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace shop::platform::kv {

/// The store failed to do what was asked (infrastructure failure or a
/// misuse such as incrementing a non-integer). Never thrown for "absent".
class KvError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class KvStore {
 public:
  using Millis = std::chrono::milliseconds;

  virtual ~KvStore() = default;

  /// The value, or nullopt if absent or expired.
  virtual std::optional<std::string> Get(std::string_view key) = 0;

  /// Stores `value`, replacing any previous value and TTL.
  virtual void Set(std::string_view key, std::string_view value, std::optional<Millis> ttl) = 0;

  /// Stores `value` only if the key is absent (or expired). True if it was
  /// stored: among concurrent callers exactly one wins.
  virtual bool SetIfAbsent(std::string_view key, std::string_view value, std::optional<Millis> ttl) = 0;

  /// Adds `delta` to the integer stored at `key` (an absent key counts as 0)
  /// and returns the new value. `ttl_if_created` applies only when this call
  /// creates the key, so a fixed-window counter keeps its window. Throws
  /// KvError if the stored value is not a decimal int64 or the sum overflows.
  virtual std::int64_t Increment(std::string_view key, std::int64_t delta,
                                 std::optional<Millis> ttl_if_created) = 0;

  /// Removes the key. True if a live key was removed.
  virtual bool Delete(std::string_view key) = 0;

  /// Atomically: if the current value equals `expected` (nullopt: the key
  /// must be absent), store `desired` with `ttl` and return true; otherwise
  /// change nothing and return false.
  virtual bool CompareAndSet(std::string_view key, const std::optional<std::string>& expected,
                             std::string_view desired, std::optional<Millis> ttl) = 0;

  /// Remaining lifetime; nullopt if the key is absent or has no expiry.
  virtual std::optional<Millis> TimeToLive(std::string_view key) = 0;

  /// True if the store answers. Never throws; for /readyz.
  virtual bool Ping() = 0;
};

/// In-process store: sharded maps, each shard behind its own mutex. Expiry
/// is judged by `clock` (a ManualClock makes TTL tests instant); expired
/// entries are dropped when read and by a small sweep on every write, so
/// memory does not grow with dead keys. `clock` must outlive the store.
std::unique_ptr<KvStore> MakeEmbeddedKv(const Clock& clock);

/// Redis over hiredis (synchronous) with up to `pool_size` connections;
/// each call borrows one. `url` is redis://[[user]:password@]host[:port][/db]
/// (AUTH and SELECT are sent on connect). `timeout` bounds connecting, each
/// command, and waiting for a free connection. Connections are made on first
/// use, so this does not fail when Redis is down; calls then throw KvError.
/// A command whose pooled connection turns out to be closed is retried once
/// on a new connection; a timed-out command is not retried.
/// Throws KvError for a malformed URL, std::invalid_argument for a pool size
/// below 1 or a non-positive timeout. Ignores SIGPIPE process-wide if it
/// still has its default action, since a write to a connection Redis closed
/// would otherwise kill the process.
std::unique_ptr<KvStore> MakeRedisKv(const std::string& url, int pool_size,
                                     std::chrono::milliseconds timeout);

}  // namespace shop::platform::kv
