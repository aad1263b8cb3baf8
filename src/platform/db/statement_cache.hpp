#pragma once
/// Statements prepared once per connection and reused. Internal to
/// platform/db: repositories use prepared.hpp, which finds the cache of the
/// connection they run on.
///
/// Why: SOCI's `session << sql` parses (SQLite) or plans (PostgreSQL) every
/// statement anew. On SQLite that was ~30 % of the CPU of a paid order, and
/// most of it ran while the process's one writer held the database.

#include <soci/soci.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "platform/db/dialect.hpp"

namespace shop::platform::db {

class StatementCache {
 public:
  /// Enough for every fixed statement of the application; text beyond it
  /// (a query built at run time that slipped in) runs uncached.
  static constexpr std::size_t kDefaultCapacity = 512;

  StatementCache(soci::session& session, Dialect dialect, std::size_t capacity = kDefaultCapacity);
  /// Finalizes every statement (PostgreSQL: DEALLOCATE; errors on a dead
  /// connection are ignored). Must run before the session closes.
  ~StatementCache();
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;

  /// One cached statement; its address is stable while the cache lives.
  struct Entry {
    std::unique_ptr<soci::statement> statement;
    std::string_view sql;  // the map's own key
    bool in_use = false;
  };

  /// The entry for `sql`, prepared and marked in use, or nullptr when it is
  /// in use already (a query run again while its rows are being read) or the
  /// cache is full: the caller then prepares its own. Throws what SOCI
  /// throws when the text does not prepare.
  Entry* Acquire(std::string_view sql);
  /// Returns an entry from Acquire: its bindings are dropped and, on
  /// SQLite, it is reset, so it holds neither a read snapshot nor pointers
  /// to the caller's variables. `discard` (after an error) finalizes it.
  void Release(Entry* entry, bool discard) noexcept;

  /// The cache of the connection `session` when the calling thread runs on
  /// it inside Db::InTransaction / Db::WithSession, else nullptr.
  static StatementCache* ActiveFor(const soci::session& session);

  /// Registers `cache` as the calling thread's cache for its session while
  /// in scope (nests: a read inside a transaction uses its own connection).
  class Activation {
   public:
    explicit Activation(StatementCache& cache);
    ~Activation();
    Activation(const Activation&) = delete;
    Activation& operator=(const Activation&) = delete;

   private:
    friend class StatementCache;
    StatementCache& cache_;
    Activation* outer_;
  };

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  soci::session& session_;
  Dialect dialect_;
  std::size_t capacity_;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> entries_;
};

}  // namespace shop::platform::db
