#!/usr/bin/env bash
# The newcomer's second command (as root on Debian 12), and what CI runs:
# installs build and test dependencies, builds everything (Release), starts a
# real PostgreSQL and Redis on free loopback ports, and runs every test with
# ctest: unit, integration (SQLite and PostgreSQL, embedded and Redis), HTTP
# end-to-end against the real binary, module boundaries, packaging, browser.
# Extra arguments go to ctest (e.g. -R outbox, -L browser).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/install-deps.sh --test
bash scripts/build.sh

source scripts/test-servers.sh
start_test_servers
export SHOPD_TEST_REQUIRE_SERVERS=1

ctest --test-dir build --output-on-failure --timeout 600 -j "${SHOPD_TEST_JOBS:-2}" "$@"
