#pragma once
/// The shopd command line: `shopd [--config FILE] [COMMAND] [ARGS...]`.
/// Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad configuration.

namespace shop::app {

int RunCli(int argc, char** argv);

}  // namespace shop::app
