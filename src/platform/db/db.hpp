#pragma once
/// The database handle every repository uses (DESIGN §2): a pool of SOCI
/// sessions on SQLite or PostgreSQL, write transactions with retry, and
/// reads on a pooled session.
///
/// Typical repository code:
///
///   Result<Order> OrdersRepository::Create(const NewOrder& o) {
///     try {
///       return db_.InTransaction([&](db::Tx& tx) -> Result<Order> {
///         tx.sql() << kInsertOrder, soci::use(o.id), …;
///         outbox_.Publish(tx, o.id, OrderPlaced{…});
///         return order;
///       });
///     } catch (const db::DbError& e) {
///       if (e.kind() == db::DbErrorKind::kUniqueViolation) return Error::Conflict("…");
///       throw;
///     }
///   }

#include <soci/soci.h>

#include <boost/system/result.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "platform/db/connection_pool.hpp"
#include "platform/db/dialect.hpp"
#include "platform/db/errors.hpp"

namespace shop::platform::db {

class SqliteCheckpointer;

struct DbOptions {
  /// "postgresql://user:pw@host:port/db?…" (also "postgres://"), or
  /// "sqlite:<path>" / a plain path. See connection_url.hpp.
  std::string url;
  /// Connections kept open. SQLite ":memory:" always uses one.
  std::size_t pool_size = 8;
  /// SQLite: how long a statement waits for another connection's lock.
  std::chrono::milliseconds busy_timeout{5000};
  /// How long a caller waits for a free connection before kUnavailable.
  std::chrono::milliseconds acquire_timeout{30000};
  /// Times InTransaction runs its function when the database reports a
  /// retryable conflict (SQLITE_BUSY/LOCKED, PostgreSQL 40001/40P01).
  int max_transaction_attempts = 5;
};

/// One open write transaction, handed to the function given to
/// Db::InTransaction. Valid only during that call; not thread-safe.
class Tx {
 public:
  /// The session the transaction runs on; statements on it are part of it.
  soci::session& sql() { return session_; }
  Dialect dialect() const { return dialect_; }
  /// Runs `fn(tx)` just before COMMIT, after the transaction's function
  /// returned successfully, in registration order (a hook may register
  /// more). An exception from a hook rolls the transaction back like one
  /// from the function itself.
  void BeforeCommit(std::function<void(Tx&)> fn) { before_commit_.push_back(std::move(fn)); }
  /// Runs `fn` after this transaction commits (never after a rollback or a
  /// retried attempt). Callbacks run in order on the committing thread;
  /// an exception they throw is swallowed, since the data is already durable.
  void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }

  /// State a component keeps for the lifetime of this transaction attempt,
  /// keyed by the component (e.g. its `this`). Default-constructed on first
  /// use; a retried attempt starts without it.
  template <class T>
  T& Local(const void* key) {
    auto& slot = locals_[key];
    if (!slot) slot = std::make_shared<T>();
    return *static_cast<T*>(slot.get());
  }

 private:
  friend class Db;
  Tx(soci::session& session, Dialect dialect) : session_(session), dialect_(dialect) {}
  soci::session& session_;
  Dialect dialect_;
  std::vector<std::function<void(Tx&)>> before_commit_;
  std::vector<std::function<void()>> after_commit_;
  std::map<const void*, std::shared_ptr<void>> locals_;
};

namespace detail {

template <class T>
struct IsSystemResult : std::false_type {};
template <class T, class E>
struct IsSystemResult<boost::system::result<T, E>> : std::true_type {};

/// True when `value` is a boost::system::result (shop::Result) holding an
/// error: the transaction must change nothing.
template <class R>
bool IsFailure(const R& value) {
  if constexpr (IsSystemResult<R>::value) {
    return value.has_error();
  } else {
    return false;
  }
}

}  // namespace detail

/// Thread-safe: any number of threads may run transactions and reads; each
/// call leases its own connection for its duration.
class Db {
 public:
  /// Opens the pool. Throws std::invalid_argument for a malformed URL and
  /// DbError(kUnavailable) when the database cannot be opened.
  static std::unique_ptr<Db> Open(const DbOptions& options);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  Dialect dialect() const { return pool_.dialect(); }

  /// Runs `fn(Tx&)` in a write transaction and returns what it returns.
  ///
  /// SQLite starts with BEGIN IMMEDIATE (takes the write lock up front, so a
  /// read-then-write never fails with SQLITE_BUSY half-way); PostgreSQL with
  /// BEGIN ISOLATION LEVEL READ COMMITTED. On SQLite, writers of this process
  /// that queue behind each other share one transaction, each `fn` in a
  /// savepoint of it (group commit): a failing `fn` rolls back only its own
  /// writes, and each call returns once the shared transaction committed (a
  /// failed COMMIT fails, or retries, every `fn` of it).
  ///
  /// Commits when `fn` returns normally. Rolls back when `fn` throws (the
  /// exception propagates; SOCI errors as DbError) and when `fn` returns a
  /// boost::system::result / shop::Result holding an error (returned as is),
  /// so an expected failure changes nothing.
  ///
  /// On a retryable error the whole of `fn` runs again (up to
  /// max_transaction_attempts, jittered backoff), and a PostgreSQL connection
  /// found dead at BEGIN is replaced transparently: `fn` must not have effects
  /// outside the transaction other than through Tx::AfterCommit. Not
  /// reentrant: calling InTransaction inside `fn` would take a second
  /// connection and, on SQLite, deadlock on the process's writer mutex.
  template <class F>
  auto InTransaction(F&& fn) -> std::invoke_result_t<F&, Tx&> {
    using R = std::invoke_result_t<F&, Tx&>;
    static_assert(!std::is_reference_v<R>, "InTransaction returns by value");
    if constexpr (std::is_void_v<R>) {
      RunTransaction([&](Tx& tx) {
        fn(tx);
        return true;
      });
    } else {
      std::optional<R> out;
      RunTransaction([&](Tx& tx) {
        out.emplace(fn(tx));
        return !detail::IsFailure(*out);
      });
      return std::move(*out);
    }
  }

  /// Runs `fn(soci::session&)` on a pooled session in autocommit mode, for
  /// reads. SOCI errors come out as DbError. Not retried; a connection found
  /// dead (kUnavailable) is replaced before its next use.
  template <class F>
  auto WithSession(F&& fn) -> std::invoke_result_t<F&, soci::session&> {
    using R = std::invoke_result_t<F&, soci::session&>;
    if constexpr (std::is_void_v<R>) {
      RunWithSession([&](soci::session& s) { fn(s); });
    } else {
      std::optional<R> out;
      RunWithSession([&](soci::session& s) { out.emplace(fn(s)); });
      return std::move(*out);
    }
  }

  /// Runs `fn(soci::session&)`, which must issue exactly one statement, as a
  /// write: the statement alone is atomic, so on PostgreSQL it runs in
  /// autocommit, as its own transaction (two round trips fewer than
  /// BEGIN ... COMMIT, and not retried, like WithSession); on SQLite it takes
  /// the process's writer turn like InTransaction, since a write outside it
  /// would meet SQLITE_BUSY. Returns what `fn` returns.
  template <class F>
  auto WriteStatement(F&& fn) -> std::invoke_result_t<F&, soci::session&> {
    if (dialect() == Dialect::kPostgres) return WithSession(fn);
    return InTransaction([&](Tx& tx) { return fn(tx.sql()); });
  }

  /// True when a trivial query succeeds on a connection obtained within two
  /// seconds. Never throws. For /readyz.
  bool Ping();

 private:
  Db(ConnectionTarget target, const DbOptions& options);
  // `body` returns true to commit, false to roll back.
  void RunTransaction(const std::function<bool(Tx&)>& body);
  void RunWithSession(const std::function<void(soci::session&)>& body);

  // Jittered exponential backoff between attempts of a transaction.
  static void SleepBeforeRetry(int attempt);

  // SQLite: writers share transactions (group commit, sqlite_writer.cpp).
  struct WriteGroup;
  void RunSqliteTransaction(const std::function<bool(Tx&)>& body);
  void OpenWriteGroup();
  // Commits the open group (or, given an error, rolls it back) and wakes its writers.
  void FinishWriteGroup(std::optional<DbError> error);

  DbOptions options_;
  ConnectionPool pool_;
  // SQLite has one writer at a time. Writers of this process queue here
  // instead of in SQLite's busy handler, which sleeps in steps of up to
  // 100 ms and so turns a few concurrent writers into long stalls.
  // Other processes (a CLI command) still meet busy_timeout.
  std::mutex sqlite_writer_;
  std::atomic<int> sqlite_writers_waiting_{0};
  // The open shared transaction and its connection; guarded by sqlite_writer_.
  std::shared_ptr<WriteGroup> write_group_;
  std::optional<ConnectionPool::Lease> write_group_lease_;
  // A file-backed SQLite database's WAL is checkpointed off the writers' path.
  std::unique_ptr<SqliteCheckpointer> checkpointer_;
};

}  // namespace shop::platform::db
