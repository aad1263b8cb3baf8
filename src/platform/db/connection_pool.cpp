#include "platform/db/connection_pool.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <filesystem>
#include <mutex>
#include <string>

#include "platform/db/errors.hpp"

namespace shop::platform::db {
namespace {

constexpr const char* kSqliteJournalWal = "PRAGMA journal_mode=WAL";
constexpr const char* kSqliteSynchronousNormal = "PRAGMA synchronous=NORMAL";
constexpr const char* kSqliteForeignKeysOn = "PRAGMA foreign_keys=ON";
// A backstop only: the Db's checkpointer thread copies the WAL back long
// before this (sqlite_checkpointer.hpp). 10,000 pages is about 40 MB of WAL.
constexpr const char* kSqliteBackstopCheckpoint = "PRAGMA wal_autocheckpoint=10000";

void IgnoreNotice(void*, const char*) {}

// SQLite's allocation statistics take one process-wide mutex on every
// malloc; under several threads preparing statements that mutex was the
// hottest lock in the process. Must run before SQLite initialises, i.e.
// before the first connection; later calls are refused and harmless.
void DisableSqliteMemoryStatistics() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

void ConfigureSqlite(soci::session& session, std::chrono::milliseconds busy_timeout) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  // Extended codes tell UNIQUE from CHECK violations without parsing messages.
  sqlite_api::sqlite3_extended_result_codes(backend->conn_, 1);
  // Every statement is prepared anew (SOCI keeps no prepared statements),
  // and parsing makes many small allocations; 500 lookaside slots of 1200
  // bytes (0.6 MB per connection, default 100) serve most of them without
  // malloc. Measured: add-to-cart ~9,500 → ~10,300/s.
  sqlite_api::sqlite3_db_config(backend->conn_, SQLITE_DBCONFIG_LOOKASIDE, nullptr, 1200, 500);
  // busy_timeout first: switching to WAL itself may wait for another connection.
  session << "PRAGMA busy_timeout=" + std::to_string(busy_timeout.count());
  std::string mode;
  session << kSqliteJournalWal, soci::into(mode);
  session << kSqliteSynchronousNormal;
  session << kSqliteForeignKeysOn;
  session << kSqliteBackstopCheckpoint;
}

void ConfigurePostgres(soci::session& session) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  // IF NOT EXISTS and friends emit NOTICEs that libpq prints to stderr.
  PQsetNoticeProcessor(backend->conn_, &IgnoreNotice, nullptr);
}

}  // namespace

ConnectionPool::ConnectionPool(ConnectionTarget target, PoolOptions options)
    : target_(std::move(target)), options_(options) {
  if (target_.in_memory) options_.size = 1;  // every connection would see its own database
  if (options_.size == 0) options_.size = 1;
  if (target_.dialect == Dialect::kSqlite && !target_.in_memory) {
    std::filesystem::path parent = std::filesystem::path(target_.connect_string).parent_path();
    if (!parent.empty()) {
      std::error_code ec;
      std::filesystem::create_directories(parent, ec);
      if (ec) {
        throw DbError(DbErrorKind::kUnavailable, "cannot create directory " + parent.string() + ": " + ec.message());
      }
    }
  }
  sessions_.resize(options_.size);
  statements_.resize(options_.size);
  for (std::size_t i = 0; i < options_.size; ++i) {
    Reconnect(i);
    needs_reconnect_.push_back(false);
    free_.push_back(options_.size - 1 - i);
  }
}

ConnectionPool::~ConnectionPool() = default;

std::unique_ptr<soci::session> ConnectionPool::Connect() const {
  try {
    std::unique_ptr<soci::session> session;
    if (target_.dialect == Dialect::kSqlite) {
      DisableSqliteMemoryStatistics();
      session = std::make_unique<soci::session>(soci::sqlite3, target_.connect_string);
      ConfigureSqlite(*session, options_.busy_timeout);
    } else {
      session = std::make_unique<soci::session>(soci::postgresql, target_.connect_string);
      ConfigurePostgres(*session);
    }
    return session;
  } catch (const soci::soci_error& e) {
    DbError classified = ToDbError(e);
    // Failing to open or configure a connection is always "cannot reach the database".
    throw DbError(classified.kind() == DbErrorKind::kRetryable ? DbErrorKind::kRetryable : DbErrorKind::kUnavailable,
                  classified.what());
  }
}

void ConnectionPool::Reconnect(std::size_t slot) {
  std::unique_ptr<soci::session> fresh = Connect();  // on failure the slot keeps what it had
  statements_[slot].reset();
  sessions_[slot] = std::move(fresh);
  statements_[slot] = std::make_unique<StatementCache>(*sessions_[slot], target_.dialect);
}

bool ConnectionPool::IsBroken(soci::session& session) const {
  if (target_.dialect != Dialect::kPostgres) return false;
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend->conn_ == nullptr || PQstatus(backend->conn_) != CONNECTION_OK;
}

ConnectionPool::Lease ConnectionPool::Acquire(std::optional<std::chrono::milliseconds> timeout) {
  const std::chrono::milliseconds wait = timeout.value_or(options_.acquire_timeout);
  std::size_t slot = 0;
  bool reconnect = false;
  {
    std::unique_lock lock(mutex_);
    if (!released_.wait_for(lock, wait, [&] { return !free_.empty(); })) {
      throw DbError(DbErrorKind::kUnavailable,
                    "no database connection free after " + std::to_string(wait.count()) + " ms");
    }
    slot = free_.back();
    free_.pop_back();
    reconnect = needs_reconnect_[slot];
  }
  // Reconnecting happens outside the lock: it is network I/O. The slot is
  // ours alone until released.
  try {
    if (reconnect || IsBroken(*sessions_[slot])) {
      Reconnect(slot);
      std::lock_guard lock(mutex_);
      needs_reconnect_[slot] = false;
    }
  } catch (...) {
    Release(slot, true);
    throw;
  }
  return Lease(this, slot, sessions_[slot].get(), statements_[slot].get());
}

void ConnectionPool::Release(std::size_t slot, bool broken) {
  {
    std::lock_guard lock(mutex_);
    if (broken) needs_reconnect_[slot] = true;
    free_.push_back(slot);
  }
  released_.notify_one();
}

ConnectionPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      slot_(other.slot_),
      session_(other.session_),
      statements_(other.statements_),
      broken_(other.broken_) {
  other.pool_ = nullptr;
}

ConnectionPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(slot_, broken_);
}

}  // namespace shop::platform::db
