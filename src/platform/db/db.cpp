#include "platform/db/db.hpp"

#include <soci/postgresql/soci-postgresql.h>

#include "platform/db/sqlite_checkpointer.hpp"
#include "platform/db/statement_cache.hpp"

#include <algorithm>
#include <random>
#include <thread>

namespace shop::platform::db {
namespace {

constexpr const char* kBeginPostgres = "BEGIN ISOLATION LEVEL READ COMMITTED";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
constexpr const char* kPing = "SELECT 1";

constexpr std::chrono::milliseconds kPingAcquireTimeout{2000};
constexpr std::chrono::milliseconds kRetryBase{5};
constexpr std::chrono::milliseconds kRetryMax{200};
// Short enough that the WAL stays a few MB under the orders benchmark's
// write rate; a pass with nothing to copy costs microseconds.
constexpr std::chrono::milliseconds kCheckpointInterval{50};

// A connection the server dropped reports odd SQLSTATEs (or none); its
// status is the reliable signal.
bool ConnectionLost(soci::session& session, Dialect dialect) {
  if (dialect != Dialect::kPostgres) return false;
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend->conn_ == nullptr || PQstatus(backend->conn_) != CONNECTION_OK;
}

}  // namespace

std::unique_ptr<Db> Db::Open(const DbOptions& options) {
  return std::unique_ptr<Db>(new Db(ParseConnectionUrl(options.url), options));
}

Db::Db(ConnectionTarget target, const DbOptions& options)
    : options_(options),
      pool_(target, PoolOptions{options.pool_size, options.busy_timeout, options.acquire_timeout}) {
  if (target.dialect == Dialect::kSqlite && !target.in_memory) {
    checkpointer_ = std::make_unique<SqliteCheckpointer>(target.connect_string, kCheckpointInterval);
  }
}

Db::~Db() = default;

void Db::SleepBeforeRetry(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  auto base = std::min(kRetryMax, kRetryBase * (1 << std::min(attempt, 10)));
  // Jitter keeps two writers that collided from colliding again in lockstep.
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  std::this_thread::sleep_for(
      std::chrono::microseconds(static_cast<std::int64_t>(std::chrono::microseconds(base).count() * jitter(rng))));
}

// PostgreSQL here; SQLite in sqlite_writer.cpp.
void Db::RunTransaction(const std::function<bool(Tx&)>& body) {
  if (dialect() == Dialect::kSqlite) {
    RunSqliteTransaction(body);
    return;
  }
  const int max_attempts = std::max(1, options_.max_transaction_attempts);
  for (int attempt = 1;; ++attempt) {
    std::vector<std::function<void()>> after_commit;
    bool committed = false;
    {
      ConnectionPool::Lease lease = pool_.Acquire();
      soci::session& session = lease.session();
      StatementCache::Activation statements(lease.statements());
      Tx tx(session, dialect());
      bool open = false;
      try {
        session << kBeginPostgres;
        open = true;
        if (!body(tx)) {
          session << kRollback;
          return;
        }
        // Index loop: a hook may register further hooks.
        for (std::size_t i = 0; i < tx.before_commit_.size(); ++i) {
          auto hook = tx.before_commit_[i];
          hook(tx);
        }
        session << kCommit;
        committed = true;
        after_commit = std::move(tx.after_commit_);
      } catch (...) {
        if (open) {
          try {
            session << kRollback;
          } catch (...) {
            // Whatever state the connection is in, it must not be reused as is.
            lease.MarkBroken();
          }
        }
        DbErrorKind kind = DbErrorKind::kOther;
        std::string message;
        // Exceptions other than these two are the caller's own and leave
        // here unchanged.
        try {
          throw;
        } catch (const DbError& e) {
          kind = e.kind();
          message = e.what();
        } catch (const soci::soci_error& e) {
          kind = ClassifySociError(e);
          message = e.what();
        }
        // A connection the server dropped while idle (restart, idle timeout)
        // fails on BEGIN, before anything ran: safe to retry on a new one.
        bool stale = false;
        if (ConnectionLost(session, dialect())) {
          lease.MarkBroken();
          kind = DbErrorKind::kUnavailable;
          stale = !open;
        }
        bool retry = kind == DbErrorKind::kRetryable || stale;
        if (!retry || attempt >= max_attempts) throw DbError(kind, message);
      }
    }
    if (committed) {
      // The connection is back in the pool, so callbacks may use the database.
      for (auto& fn : after_commit) {
        try {
          fn();
        } catch (...) {
          // Committed is committed: a failing notification must not turn a
          // durable change into an error the caller would retry.
        }
      }
      return;
    }
    // Back off without holding a connection.
    SleepBeforeRetry(attempt);
  }
}

void Db::RunWithSession(const std::function<void(soci::session&)>& body) {
  ConnectionPool::Lease lease = pool_.Acquire();
  StatementCache::Activation statements(lease.statements());
  try {
    body(lease.session());
  } catch (const soci::soci_error& e) {
    DbErrorKind kind = ClassifySociError(e);
    if (ConnectionLost(lease.session(), dialect())) {
      lease.MarkBroken();
      kind = DbErrorKind::kUnavailable;
    }
    throw DbError(kind, e.what());
  }
}

bool Db::Ping() {
  // Two tries: the first may only discover that the server dropped an idle
  // connection (e.g. after a database restart) and replace it.
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      // A health probe must answer quickly even when every connection is busy.
      ConnectionPool::Lease lease = pool_.Acquire(kPingAcquireTimeout);
      try {
        int one = 0;
        lease.session() << kPing, soci::into(one);
        return one == 1;
      } catch (...) {
        lease.MarkBroken();
      }
    } catch (...) {
      return false;  // no connection free, or the server is unreachable
    }
  }
  return false;
}

}  // namespace shop::platform::db
