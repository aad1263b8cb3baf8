// SQLite write transactions of one process, committed in groups.
//
// SQLite has one writer at a time, and under load a large share of a write
// transaction's time went into BEGIN and COMMIT (about a quarter of the
// process's CPU samples: writing every page it dirtied to the WAL, the
// outbox's and indexes' pages again and again). So
// writers that queue behind each other share one transaction: each runs its
// function inside a SAVEPOINT of the open transaction (its own failure rolls
// back only its part), and the writer that finds nobody waiting behind it (or
// the group full or old) commits for all. Every writer still returns only once
// its data is committed, and runs its AfterCommit callbacks then, on its own
// thread, so thread-local context (the request's trace id) is its own.
#include <soci/sqlite3/soci-sqlite3.h>

#include "platform/db/db.hpp"
#include "platform/db/prepared.hpp"

namespace shop::platform::db {

/// One SQLite transaction shared by consecutive writers.
struct Db::WriteGroup {
  std::mutex mutex;
  std::condition_variable finished;
  bool done = false;
  std::optional<DbError> error;  // set when the group did not commit
  int members = 0;
  std::chrono::steady_clock::time_point opened = std::chrono::steady_clock::now();
};

namespace {

constexpr const char* kBegin = "BEGIN IMMEDIATE";
constexpr const char* kCommit = "COMMIT";
constexpr const char* kRollback = "ROLLBACK";
constexpr const char* kSavepoint = "SAVEPOINT shop_writer";
constexpr const char* kReleaseSavepoint = "RELEASE shop_writer";
constexpr const char* kRollbackToSavepoint = "ROLLBACK TO shop_writer";

// Bounds on how long the first writer of a group waits for its commit.
constexpr int kMaxGroupMembers = 32;
constexpr std::chrono::milliseconds kMaxGroupAge{4};

bool TransactionOpen(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return sqlite_api::sqlite3_get_autocommit(backend->conn_) == 0;
}

// The DbError for the exception in flight; other exceptions are rethrown.
DbError CurrentDbError() {
  try {
    throw;
  } catch (const DbError& e) {
    return e;
  } catch (const soci::soci_error& e) {
    return DbError(ClassifySociError(e), e.what());
  }
}

}  // namespace

void Db::OpenWriteGroup() {
  ConnectionPool::Lease lease = pool_.Acquire();
  {
    StatementCache::Activation statements(lease.statements());
    try {
      Exec(lease.session(), kBegin);
    } catch (...) {
      throw CurrentDbError();
    }
  }
  write_group_lease_.emplace(std::move(lease));
  write_group_ = std::make_shared<WriteGroup>();
}

void Db::FinishWriteGroup(std::optional<DbError> error) {
  soci::session& session = write_group_lease_->session();
  if (!error) {
    try {
      StatementCache::Activation statements(write_group_lease_->statements());
      Exec(session, kCommit);
    } catch (...) {
      error = CurrentDbError();
    }
  }
  if (error && TransactionOpen(session)) {
    try {
      session << kRollback;
    } catch (...) {
      write_group_lease_->MarkBroken();
    }
  }
  std::shared_ptr<WriteGroup> group = std::move(write_group_);
  write_group_lease_.reset();
  {
    std::lock_guard lock(group->mutex);
    group->done = true;
    group->error = std::move(error);
  }
  group->finished.notify_all();
}

void Db::RunSqliteTransaction(const std::function<bool(Tx&)>& body) {
  const int max_attempts = std::max(1, options_.max_transaction_attempts);
  for (int attempt = 1;; ++attempt) {
    std::shared_ptr<WriteGroup> group;
    std::vector<std::function<void()>> after_commit;
    std::exception_ptr failure;  // the function's own, its part rolled back
    bool kept = false;           // its part stays in the group
    try {
      sqlite_writers_waiting_.fetch_add(1);
      std::unique_lock writer(sqlite_writer_);
      sqlite_writers_waiting_.fetch_sub(1);
      if (!write_group_) OpenWriteGroup();
      group = write_group_;
      ++group->members;
      soci::session& session = write_group_lease_->session();
      {
        StatementCache::Activation statements(write_group_lease_->statements());
        Tx tx(session, Dialect::kSqlite);
        try {
          Exec(session, kSavepoint);
          bool commit = body(tx);
          // Index loop: a hook may register further hooks.
          for (std::size_t i = 0; commit && i < tx.before_commit_.size(); ++i) {
            auto hook = tx.before_commit_[i];
            hook(tx);
          }
          if (!commit) Exec(session, kRollbackToSavepoint);
          Exec(session, kReleaseSavepoint);
          kept = commit;
          if (kept) after_commit = std::move(tx.after_commit_);
        } catch (...) {
          failure = std::current_exception();
          bool undone = false;
          if (TransactionOpen(session)) {
            try {
              Exec(session, kRollbackToSavepoint);
              Exec(session, kReleaseSavepoint);
              undone = true;
            } catch (...) {
            }
          }
          // SQLite itself may end the whole transaction (an I/O or memory
          // error): the group's earlier writers lost their parts too.
          if (!undone) {
            FinishWriteGroup(DbError(DbErrorKind::kRetryable, "the shared write transaction was rolled back"));
          }
        }
      }
      if (write_group_ == group) {
        const bool keep_open = sqlite_writers_waiting_.load() > 0 && group->members < kMaxGroupMembers &&
                               std::chrono::steady_clock::now() - group->opened < kMaxGroupAge;
        if (!keep_open) FinishWriteGroup(std::nullopt);
      }
    } catch (...) {
      // BEGIN failed (another process holds the write lock past
      // busy_timeout): nothing ran.
      failure = std::current_exception();
    }

    if (failure) {
      DbError error = [&] {
        try {
          std::rethrow_exception(failure);
        } catch (...) {
          return CurrentDbError();  // rethrows the caller's own exceptions as they are
        }
      }();
      if (error.kind() != DbErrorKind::kRetryable || attempt >= max_attempts) throw error;
      SleepBeforeRetry(attempt);
      continue;
    }
    if (!kept) return;  // rolled back by the function's own choice

    std::optional<DbError> error;
    {
      std::unique_lock lock(group->mutex);
      group->finished.wait(lock, [&] { return group->done; });
      error = group->error;
    }
    if (error) {
      if (error->kind() != DbErrorKind::kRetryable || attempt >= max_attempts) throw *error;
      SleepBeforeRetry(attempt);
      continue;
    }
    for (auto& fn : after_commit) {
      try {
        fn();
      } catch (...) {
        // Committed is committed (see RunTransaction).
      }
    }
    return;
  }
}

}  // namespace shop::platform::db
