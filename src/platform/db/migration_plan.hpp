#pragma once
/// Which migration files apply to a dialect, in which order (DESIGN §2).
///
/// Files live at migrations/<module>/<NNNN>_<name>.sql when one script serves
/// both dialects, or <NNNN>_<name>.sqlite.sql / <NNNN>_<name>.postgresql.sql
/// when they differ; for a dialect, its own file replaces the shared one of
/// the same version. Modules are applied "platform" first, then by name;
/// within a module by version. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "platform/db/dialect.hpp"
#include "platform/db/embedded_migrations.hpp"

namespace shop::platform::db {

struct Migration {
  std::string module;
  std::int64_t version = 0;
  std::string name;
  std::string path;      ///< the file chosen for the dialect
  std::string_view sql;  ///< its content (static storage, like the file list)
  std::string checksum;  ///< lower-case hex SHA-256 of `sql`
};

/// The migrations for `dialect`, in apply order. Throws std::invalid_argument
/// naming the file for a malformed path, for two files with one (module,
/// version) and dialect, and for a dialect file whose name differs from the
/// shared file it replaces.
std::vector<Migration> PlanMigrations(const std::vector<EmbeddedFile>& files, Dialect dialect);

/// Lower-case hex SHA-256 of `data` (OpenSSL EVP).
std::string Sha256Hex(std::string_view data);

}  // namespace shop::platform::db
