#!/usr/bin/env bash
# Configures (once) and builds shopd in ./build as a Release binary.
#   scripts/build.sh            everything: shopd, tests, benchmark helpers
#   scripts/build.sh shopd      only the server binary
# ccache (when installed) makes rebuilds of unchanged sources near-free.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_TYPE="${SHOPD_BUILD_TYPE:-Release}"
JOBS="${SHOPD_BUILD_JOBS:-$(nproc)}"

if [[ ! -f build/CMakeCache.txt ]] || ! grep -q "CMAKE_BUILD_TYPE:STRING=$BUILD_TYPE" build/CMakeCache.txt; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE="$BUILD_TYPE"
fi
if [[ $# -gt 0 ]]; then
  cmake --build build --parallel "$JOBS" --target "$@"
else
  cmake --build build --parallel "$JOBS"
fi
