#pragma once
/// Parsing of the database URL the operator configures (DESIGN §7):
///   postgresql://… or postgres://…   PostgreSQL, a libpq connection URI
///   sqlite:<path>, sqlite://<path>    SQLite file
///   <path>                            SQLite file
/// Pure functions; thread-safe.

#include <string>
#include <string_view>

#include "platform/db/dialect.hpp"

namespace shop::platform::db {

struct ConnectionTarget {
  Dialect dialect = Dialect::kSqlite;
  /// SQLite: the file path. PostgreSQL: a libpq keyword/value string
  /// ("host='…' dbname='…'"), the form SOCI's PostgreSQL backend accepts.
  std::string connect_string;
  /// SQLite only: true for an in-memory database (":memory:"), which lives
  /// in one connection only.
  bool in_memory = false;
};

/// Throws std::invalid_argument naming the problem when the URL is empty or
/// libpq rejects the PostgreSQL URI. The message never repeats a password.
ConnectionTarget ParseConnectionUrl(std::string_view url);

/// `url` with its password replaced by "***", safe to log.
std::string RedactUrl(std::string_view url);

}  // namespace shop::platform::db
