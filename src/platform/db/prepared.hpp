#pragma once
/// Running a fixed SQL text through the connection's prepared statement
/// instead of parsing it again (SOCI's `sql << text` prepares every time).
///
///   db::Exec(tx.sql(), kInsertLine, soci::use(id), soci::use(sku));
///
///   std::int64_t n = 0;
///   db::Exec(sql, kCountByStatus, soci::use(status), soci::into(n));
///
///   db::Prepared st(tx.sql(), kMarkPaid, soci::use(now), soci::use(id));
///   st.Execute();
///   if (st->get_affected_rows() == 0) …
///
///   db::ForEachRow(sql, kLines, [&](const soci::row& r) { … }, soci::use(order_id));
///
/// Inside Db::InTransaction and Db::WithSession the statement comes from the
/// leased connection's cache; on any other session (a migration, a test's own
/// soci::session) it is prepared for this one use, so the code is correct
/// either way. Only for constant texts: a query built at run time (an IN list)
/// would fill the cache with texts never seen again; keep `sql << text` there.
/// One text is always used with the same kinds of bindings.

#include <soci/soci.h>

#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "platform/db/statement_cache.hpp"

namespace shop::platform::db {

/// A prepared statement with the given soci::use / soci::into bindings, for
/// one execution and the fetches after it. Not copyable; lives on the stack.
class Prepared {
 public:
  template <class... Bindings>
  Prepared(soci::session& session, std::string_view sql, Bindings&&... bindings)
      : exceptions_at_start_(std::uncaught_exceptions()) {
    if (StatementCache* cache = StatementCache::ActiveFor(session)) {
      entry_ = cache->Acquire(sql);
      if (entry_ != nullptr) cache_ = cache;
    }
    if (entry_ == nullptr) {
      own_ = std::make_unique<soci::statement>(session);
      own_->alloc();
      // Used once: PostgreSQL runs it unnamed, without a separate PREPARE.
      own_->prepare(std::string(sql), soci::details::st_one_time_query);
    }
    Bind(std::forward<Bindings>(bindings)...);
  }
  ~Prepared() { Return(std::uncaught_exceptions() > exceptions_at_start_); }
  Prepared(const Prepared&) = delete;
  Prepared& operator=(const Prepared&) = delete;

  /// Adds bindings (before Execute), e.g. from a helper that binds a row's
  /// columns. Intos and uses keep their own order: the n-th into is the n-th
  /// column, the n-th use the n-th parameter.
  template <class... Bindings>
  Prepared& Bind(Bindings&&... bindings) {
    (statement().exchange(std::forward<Bindings>(bindings)), ...);
    return *this;
  }

  /// Executes; true when a row was fetched into the intos (for a statement
  /// without intos: it ran).
  bool Execute() {
    statement().define_and_bind();
    return statement().execute(true);
  }
  /// The next row after the one Execute fetched; false at the end.
  bool Fetch() { return statement().fetch(); }

  soci::statement& statement() { return entry_ != nullptr ? *entry_->statement : *own_; }
  soci::statement* operator->() { return &statement(); }

 private:
  void Return(bool failed) noexcept {
    if (cache_ != nullptr) {
      cache_->Release(entry_, failed);
      cache_ = nullptr;
      entry_ = nullptr;
    }
  }

  int exceptions_at_start_;
  StatementCache* cache_ = nullptr;
  StatementCache::Entry* entry_ = nullptr;
  std::unique_ptr<soci::statement> own_;
};

/// Executes `sql` once with `bindings`; true when a row was fetched into the
/// intos (for a statement without intos: it ran).
template <class... Bindings>
bool Exec(soci::session& session, std::string_view sql, Bindings&&... bindings) {
  Prepared st(session, sql, std::forward<Bindings>(bindings)...);
  return st.Execute();
}

/// Executes `sql` with `uses` and calls `fn(const soci::row&)` for every row.
template <class Fn, class... Uses>
void ForEachRow(soci::session& session, std::string_view sql, Fn&& fn, Uses&&... uses) {
  soci::row row;
  Prepared st(session, sql, std::forward<Uses>(uses)..., soci::into(row));
  if (!st.Execute()) return;
  do {
    fn(static_cast<const soci::row&>(row));
  } while (st.Fetch());
}

}  // namespace shop::platform::db
