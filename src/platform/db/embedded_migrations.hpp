#pragma once
/// The migration files compiled into the binary (cmake/EmbedFiles.cmake), so
/// a deployment is one executable. Generated at build time from migrations/.

#include <string_view>
#include <vector>

namespace shop::platform::db {

struct EmbeddedFile {
  /// Relative to migrations/, e.g. "platform/0001_events.sql".
  std::string_view path;
  std::string_view content;
};

/// Every migrations/**/*.sql, sorted by path. Static storage; thread-safe.
const std::vector<EmbeddedFile>& EmbeddedMigrationFiles();

}  // namespace shop::platform::db
