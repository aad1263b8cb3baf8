#pragma once
/// Versioned, checksummed schema migrations (DESIGN §2).
///
/// Applied migrations are recorded in schema_migrations (module, version,
/// name, checksum, applied_at_ms). `shopd migrate` calls Apply; `serve`
/// calls Check and refuses to start unless the schema is one this binary
/// knows (`MigrationStatus::Compatible`), and in the embedded profile calls
/// Apply first.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "platform/clock/clock.hpp"
#include "platform/db/db.hpp"
#include "platform/db/embedded_migrations.hpp"
#include "platform/db/migration_plan.hpp"

namespace shop::platform::db {

struct MigrationId {
  std::string module;
  std::int64_t version = 0;
  std::string name;
  /// "orders/0003_add_notes".
  std::string ToString() const;
};

struct MigrationStatus {
  /// Recorded in the database and known to this binary with the same checksum.
  std::vector<MigrationId> applied;
  /// Known to this binary, not yet applied.
  std::vector<MigrationId> pending;
  /// Applied, but unknown to this binary: the database was migrated by a newer shopd.
  std::vector<MigrationId> unknown;
  /// Applied with a different checksum than this binary's file: someone edited
  /// a migration after it shipped.
  std::vector<MigrationId> checksum_mismatch;

  /// No unknown versions and no checksum mismatches: this binary may run on
  /// the schema once pending migrations are applied.
  bool Compatible() const { return unknown.empty() && checksum_mismatch.empty(); }
  /// Compatible and nothing pending.
  bool UpToDate() const { return Compatible() && pending.empty(); }
  /// One human-readable paragraph: what is pending, unknown or altered, and
  /// what to do about it. Empty when up to date.
  std::string Describe() const;
};

/// Thrown by Apply when the schema is incompatible or a migration fails.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Not thread-safe itself; concurrent Apply calls from several processes are
/// safe (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-scoped advisory lock).
///
/// Scripts run inside a transaction: no statements that refuse one
/// (PostgreSQL CREATE INDEX CONCURRENTLY, SQLite VACUUM), and SQLite's
/// foreign_keys pragma cannot be switched there (use defer_foreign_keys for
/// table rebuilds).
class Migrator {
 public:
  using Status = MigrationStatus;

  /// Plans the files for db.dialect(). Throws std::invalid_argument for
  /// malformed file names (see PlanMigrations). `files` must outlive the Migrator.
  Migrator(Db& db, const std::vector<EmbeddedFile>& files, const Clock& clock);

  /// Compares the database with this binary's migrations. Read-only: works on
  /// a database that has never been migrated. Throws DbError when the
  /// database cannot be read.
  MigrationStatus Check() const;

  /// Applies every pending migration, each in its own transaction, and
  /// returns how many it applied. Throws MigrationError (with
  /// MigrationStatus::Describe) before changing anything when the schema is
  /// incompatible, and MigrationError naming the file when a script fails
  /// (that migration is rolled back; earlier ones stay).
  std::size_t Apply();

  /// The migrations this binary has for the dialect, in apply order.
  const std::vector<Migration>& plan() const { return plan_; }

 private:
  void EnsureTable();
  bool ApplyOne(const Migration& migration);

  Db& db_;
  const Clock& clock_;
  std::vector<Migration> plan_;
};

}  // namespace shop::platform::db
