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
int CommandOutbox(const platform::config::Config& config, const std::vector<std::string>& args);

}  // namespace shop::app
