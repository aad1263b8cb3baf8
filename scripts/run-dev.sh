#!/usr/bin/env bash
# The newcomer's first command (as root on Debian 12): installs the build
# dependencies, builds ./build/shopd (Release) and runs the shop on the
# embedded profile (SQLite + embedded key-value store under ./data).
# Extra arguments go to `shopd serve`; SHOPD_* variables override config keys.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install-deps.sh
bash scripts/build.sh shopd
exec ./build/shopd --config config/dev.toml serve "$@"
