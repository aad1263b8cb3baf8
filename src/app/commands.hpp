#pragma once
/// One function per CLI command; each returns the process exit code.

#include "platform/config/config.hpp"

#include <string>
#include <vector>

namespace shop::app {

extern const char* const kVersion;

int CommandServe(const platform::config::Config& config);
int CommandMigrate(const platform::config::Config& config);
int CommandHealthcheck(const platform::config::Config& config);
int CommandRoutes(const platform::config::Config& config);
/// `seed --demo [--products N]`: the deterministic demo catalog on an empty
/// catalog (migrating first); prints what it made and how long it took.
int CommandSeed(const platform::config::Config& config, bool demo, std::int64_t products);
/// Rebuilds the search index from the catalog and swaps it in; a server
/// running on the same index directory switches to it without downtime.
int CommandReindex(const platform::config::Config& config);
int CommandOutbox(const platform::config::Config& config, const std::vector<std::string>& args);
/// Creates (or promotes) an admin account; the password is read from a file
/// so it never appears in the process list or shell history.
int CommandCreateAdmin(const platform::config::Config& config, const std::string& email,
                       const std::string& password_file);

}  // namespace shop::app
