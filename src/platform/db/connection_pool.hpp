#pragma once
/// A bounded pool of SOCI sessions, each configured for shopd on connect
/// (SQLite: WAL, synchronous=NORMAL, busy_timeout, foreign_keys=ON, extended
/// result codes; PostgreSQL: server notices silenced). Used by Db; not part
/// of the module-facing API.
///
/// Thread-safe. Acquire blocks while every session is leased, up to the
/// acquire timeout, then throws DbError(kUnavailable).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "platform/db/connection_url.hpp"
#include "platform/db/statement_cache.hpp"

namespace soci {
class session;
}

namespace shop::platform::db {

struct PoolOptions {
  std::size_t size = 8;
  std::chrono::milliseconds busy_timeout{5000};
  std::chrono::milliseconds acquire_timeout{30000};
};

class ConnectionPool {
 public:
  /// Opens every connection now, so a wrong URL fails at start.
  /// Throws DbError(kUnavailable) when a connection cannot be opened.
  ConnectionPool(ConnectionTarget target, PoolOptions options);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  /// One leased session; returned to the pool when destroyed.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    soci::session& session() const { return *session_; }
    /// The connection's prepared statements; replaced with the connection.
    StatementCache& statements() const { return *statements_; }
    /// The connection is in an unknown state: replace it before its next use.
    void MarkBroken() { broken_ = true; }

   private:
    friend class ConnectionPool;
    Lease(ConnectionPool* pool, std::size_t slot, soci::session* session, StatementCache* statements)
        : pool_(pool), slot_(slot), session_(session), statements_(statements) {}
    ConnectionPool* pool_;
    std::size_t slot_;
    soci::session* session_;
    StatementCache* statements_;
    bool broken_ = false;
  };

  /// Throws DbError(kUnavailable) after `timeout` (default: the pool's
  /// acquire timeout) with no free connection, or when reconnecting fails.
  Lease Acquire(std::optional<std::chrono::milliseconds> timeout = std::nullopt);
  Dialect dialect() const { return target_.dialect; }

 private:
  std::unique_ptr<soci::session> Connect() const;
  // Opens slot `slot`'s connection, closing the one it had (statements first).
  void Reconnect(std::size_t slot);
  void Release(std::size_t slot, bool broken);
  bool IsBroken(soci::session& session) const;

  ConnectionTarget target_;
  PoolOptions options_;
  std::vector<std::unique_ptr<soci::session>> sessions_;
  // Declared after sessions_, so destroyed before them: a statement must be
  // finalized while its connection is open.
  std::vector<std::unique_ptr<StatementCache>> statements_;
  std::vector<bool> needs_reconnect_;
  std::vector<std::size_t> free_;
  std::mutex mutex_;
  std::condition_variable released_;
};

}  // namespace shop::platform::db
