#pragma once
/// glibc malloc settings for a server process, applied before anything runs.

namespace shop::app {

/// When the operator has not set GLIBC_TUNABLES, sets a larger per-thread
/// cache (glibc.malloc.tcache_count) and re-executes the binary with the same
/// arguments, so the setting applies from the first allocation (glibc reads
/// tunables only at start-up; there is no mallopt for this one). Returns only
/// when nothing was changed or the re-exec failed; the process then runs with
/// glibc's defaults. Call first thing in main, before any thread exists.
void ReexecWithMallocTunables(char** argv);

}  // namespace shop::app
