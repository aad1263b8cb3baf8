#include "platform/db/script.hpp"

#include <soci/postgresql/soci-postgresql.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <memory>
#include <string>

#include "platform/db/errors.hpp"

namespace shop::platform::db {
namespace {

void ExecuteSqlite(soci::session& session, const std::string& script) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  char* error = nullptr;
  int rc = sqlite_api::sqlite3_exec(backend->conn_, script.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return;
  std::string message = error != nullptr ? error : sqlite_api::sqlite3_errmsg(backend->conn_);
  sqlite_api::sqlite3_free(error);
  int extended = sqlite_api::sqlite3_extended_errcode(backend->conn_);
  throw DbError(ClassifySqlite(extended != 0 ? extended : rc, message), message);
}

void ExecutePostgres(soci::session& session, const std::string& script) {
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(backend->conn_, script.c_str()), &PQclear);
  ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
    return;
  }
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  std::string message = result ? PQresultErrorMessage(result.get()) : PQerrorMessage(backend->conn_);
  throw DbError(ClassifyPostgres(state != nullptr ? state : ""), message);
}

}  // namespace

void ExecuteScript(soci::session& session, Dialect dialect, std::string_view script) {
  std::string owned(script);  // both drivers want a NUL-terminated string
  if (dialect == Dialect::kSqlite) {
    ExecuteSqlite(session, owned);
  } else {
    ExecutePostgres(session, owned);
  }
}

}  // namespace shop::platform::db
