#pragma once
/// The two SQL dialects shopd runs on (DESIGN §2). Repositories pick a
/// dialect-specific statement by Tx::dialect() where the SQL differs.

#include <string_view>

namespace shop::platform::db {

enum class Dialect { kSqlite, kPostgres };

/// "sqlite" or "postgresql": also the infix of dialect-specific migration files.
constexpr std::string_view DialectName(Dialect dialect) {
  return dialect == Dialect::kSqlite ? "sqlite" : "postgresql";
}

}  // namespace shop::platform::db
