#include "platform/db/statement_cache.hpp"

#include <soci/sqlite3/soci-sqlite3.h>

namespace shop::platform::db {
namespace {

// The activations of the calling thread, innermost first. A connection is
// leased to one thread for the whole of a transaction or read, so a
// thread-local list is all the synchronisation the lookup needs.
thread_local StatementCache::Activation* innermost = nullptr;

}  // namespace

StatementCache::StatementCache(soci::session& session, Dialect dialect, std::size_t capacity)
    : session_(session), dialect_(dialect), capacity_(capacity) {}

StatementCache::~StatementCache() {
  // Each statement's destructor finalizes it (PostgreSQL: DEALLOCATE, which
  // SOCI keeps from throwing); the session must still be open here.
  entries_.clear();
}

StatementCache::Entry* StatementCache::Acquire(std::string_view sql) {
  auto it = entries_.find(sql);
  if (it != entries_.end()) {
    if (it->second.in_use) return nullptr;
    it->second.in_use = true;
    return &it->second;
  }
  if (entries_.size() >= capacity_) return nullptr;
  auto statement = std::make_unique<soci::statement>(session_);
  statement->alloc();
  statement->prepare(std::string(sql), soci::details::st_repeatable_query);
  auto inserted = entries_.emplace(std::string(sql), Entry{}).first;
  Entry& entry = inserted->second;
  entry.statement = std::move(statement);
  entry.sql = inserted->first;
  entry.in_use = true;
  return &entry;
}

void StatementCache::Release(Entry* entry, bool discard) noexcept {
  try {
    entry->statement->bind_clean_up();
    if (dialect_ == Dialect::kSqlite) {
      auto* backend = static_cast<soci::sqlite3_statement_backend*>(entry->statement->get_backend());
      // A statement left mid-result keeps its read transaction open: later
      // reads on this connection would see that old snapshot, and the WAL
      // could not be checkpointed past it. Unbinding drops the pointers
      // into the caller's (now gone) variables.
      sqlite_api::sqlite3_reset(backend->stmt_);
      sqlite_api::sqlite3_clear_bindings(backend->stmt_);
    }
  } catch (...) {
    discard = true;
  }
  if (discard) {
    entries_.erase(entries_.find(entry->sql));
    return;
  }
  entry->in_use = false;
}

StatementCache* StatementCache::ActiveFor(const soci::session& session) {
  for (StatementCache::Activation* a = innermost; a != nullptr; a = a->outer_) {
    if (&a->cache_.session_ == &session) return &a->cache_;
  }
  return nullptr;
}

StatementCache::Activation::Activation(StatementCache& cache) : cache_(cache), outer_(innermost) { innermost = this; }

StatementCache::Activation::~Activation() { innermost = outer_; }

}  // namespace shop::platform::db
