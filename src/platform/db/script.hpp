#pragma once
/// Executes a multi-statement SQL script on a session, which SOCI cannot do
/// (it prepares one statement at a time). Used by the migrator.

#include <string_view>

#include "platform/db/dialect.hpp"

namespace soci {
class session;
}

namespace shop::platform::db {

/// Runs every statement of `script` on `session` through the driver's own
/// multi-statement call (sqlite3_exec / PQexec), inside whatever transaction
/// the session has open. Throws DbError classified from the driver's code.
/// Not thread-safe with respect to `session`.
void ExecuteScript(soci::session& session, Dialect dialect, std::string_view script);

}  // namespace shop::platform::db
