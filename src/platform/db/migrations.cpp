#include "platform/db/migrations.hpp"

#include <fmt/format.h>

#include <map>
#include <utility>

#include "platform/db/script.hpp"

namespace shop::platform::db {
namespace {

constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " module TEXT NOT NULL,"
    " version BIGINT NOT NULL,"
    " name TEXT NOT NULL,"
    " checksum TEXT NOT NULL,"
    " applied_at_ms BIGINT NOT NULL,"
    " PRIMARY KEY (module, version))";
constexpr const char* kTableExistsSqlite =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr const char* kTableExistsPostgres =
    "SELECT COUNT(*) FROM information_schema.tables"
    " WHERE table_schema = current_schema() AND table_name = 'schema_migrations'";
constexpr const char* kSelectApplied =
    "SELECT module, version, name, checksum FROM schema_migrations ORDER BY module, version";
constexpr const char* kSelectOne =
    "SELECT checksum FROM schema_migrations WHERE module = :module AND version = :version";
constexpr const char* kInsert =
    "INSERT INTO schema_migrations (module, version, name, checksum, applied_at_ms)"
    " VALUES (:module, :version, :name, :checksum, :applied_at_ms)";
// Serialises migrators of several instances on one PostgreSQL database; the
// lock ends with the transaction. The number is arbitrary but fixed.
constexpr const char* kAdvisoryLock = "SELECT pg_advisory_xact_lock(7305418092331)";

struct AppliedRow {
  std::string name;
  std::string checksum;
};

using AppliedMap = std::map<std::pair<std::string, std::int64_t>, AppliedRow>;

AppliedMap ReadApplied(soci::session& sql, Dialect dialect) {
  AppliedMap out;
  long long tables = 0;
  sql << (dialect == Dialect::kSqlite ? kTableExistsSqlite : kTableExistsPostgres), soci::into(tables);
  if (tables == 0) return out;
  std::string module, name, checksum;
  std::int64_t version = 0;
  soci::statement st = (sql.prepare << kSelectApplied, soci::into(module), soci::into(version),
                        soci::into(name), soci::into(checksum));
  st.execute();
  while (st.fetch()) out[{module, version}] = AppliedRow{name, checksum};
  return out;
}

void AppendList(std::string& out, std::string_view label, const std::vector<MigrationId>& ids) {
  if (ids.empty()) return;
  if (!out.empty()) out += ' ';
  out += label;
  out += ": ";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i > 0) out += ", ";
    out += ids[i].ToString();
  }
  out += '.';
}

}  // namespace

std::string MigrationId::ToString() const { return fmt::format("{}/{:04}_{}", module, version, name); }

std::string MigrationStatus::Describe() const {
  std::string out;
  AppendList(out,
             "The database has migrations this binary does not know (it was migrated by a newer "
             "shopd; run that version or restore a matching backup)",
             unknown);
  AppendList(out,
             "Applied migrations differ from this binary's files (a migration was edited after it "
             "was applied; restore the original file)",
             checksum_mismatch);
  AppendList(out, "Pending migrations (run `shopd migrate`)", pending);
  return out;
}

Migrator::Migrator(Db& db, const std::vector<EmbeddedFile>& files, const Clock& clock)
    : db_(db), clock_(clock), plan_(PlanMigrations(files, db.dialect())) {}

MigrationStatus Migrator::Check() const {
  AppliedMap applied = db_.WithSession([&](soci::session& sql) { return ReadApplied(sql, db_.dialect()); });
  MigrationStatus status;
  for (const Migration& m : plan_) {
    MigrationId id{m.module, m.version, m.name};
    auto it = applied.find({m.module, m.version});
    if (it == applied.end()) {
      status.pending.push_back(std::move(id));
      continue;
    }
    if (it->second.checksum != m.checksum) {
      status.checksum_mismatch.push_back(std::move(id));
    } else {
      status.applied.push_back(std::move(id));
    }
    applied.erase(it);
  }
  for (auto& [key, row] : applied) {
    status.unknown.push_back(MigrationId{key.first, key.second, row.name});
  }
  return status;
}

void Migrator::EnsureTable() {
  db_.InTransaction([&](Tx& tx) {
    if (tx.dialect() == Dialect::kPostgres) tx.sql() << kAdvisoryLock;
    tx.sql() << kCreateTable;
  });
}

bool Migrator::ApplyOne(const Migration& m) {
  return db_.InTransaction([&](Tx& tx) {
    if (tx.dialect() == Dialect::kPostgres) tx.sql() << kAdvisoryLock;
    // Another instance may have applied it between Check and this lock.
    std::string checksum;
    soci::indicator found = soci::i_null;
    tx.sql() << kSelectOne, soci::use(m.module), soci::use(m.version), soci::into(checksum, found);
    if (tx.sql().got_data()) {
      if (checksum != m.checksum) {
        throw MigrationError("migration " + m.path + " was applied concurrently with another checksum");
      }
      return false;
    }
    ExecuteScript(tx.sql(), tx.dialect(), m.sql);
    std::int64_t now = clock_.NowMs();
    tx.sql() << kInsert, soci::use(m.module), soci::use(m.version), soci::use(m.name), soci::use(m.checksum),
        soci::use(now);
    return true;
  });
}

std::size_t Migrator::Apply() {
  try {
    EnsureTable();
  } catch (const DbError& e) {
    throw MigrationError(std::string("cannot create schema_migrations: ") + e.what());
  }
  MigrationStatus status = Check();
  if (!status.Compatible()) throw MigrationError(status.Describe());
  std::size_t applied = 0;
  for (const Migration& m : plan_) {
    bool pending = false;
    for (const MigrationId& id : status.pending) {
      pending = pending || (id.module == m.module && id.version == m.version);
    }
    if (!pending) continue;
    try {
      if (ApplyOne(m)) ++applied;
    } catch (const DbError& e) {
      throw MigrationError("migration " + m.path + " failed: " + e.what());
    }
  }
  return applied;
}

}  // namespace shop::platform::db
