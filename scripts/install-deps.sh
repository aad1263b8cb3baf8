#!/usr/bin/env bash
# Installs what building shopd needs (scripts/deps/build.txt) and, with --test,
# what its test suites need (scripts/deps/test.txt, plus playwright-core for the
# browser tests in tests/browser). The Dockerfile reads the same lists, so a
# developer machine, CI and the image are built from one list of packages.
#
# Run as root, from any directory. Idempotent: `apt-get update` runs only when a
# package is missing, and `npm ci` only when tests/browser/node_modules is absent.
#
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   build + test dependencies
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEPS="$ROOT/scripts/deps"

with_tests=0
for arg in "$@"; do
  case "$arg" in
    --test) with_tests=1 ;;
    -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-deps: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: run as root (apt-get install needs it)" >&2
  exit 1
fi

# Package names from a list file: one a line, '#' starts a comment.
read_list() { sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' "$1"; }

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" == "install ok installed" ]]
}

apt_updated=0
apt_install() {
  local missing=()
  for pkg in "$@"; do
    is_installed "$pkg" || missing+=("$pkg")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    echo "install-deps: all $# packages already installed"
    return
  fi
  echo "install-deps: installing ${missing[*]}"
  if [[ $apt_updated -eq 0 ]]; then
    echo "install-deps: apt-get update"
    apt-get update
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

export DEBIAN_FRONTEND=noninteractive

mapfile -t packages < <(read_list "$DEPS/build.txt")
if [[ $with_tests -eq 1 ]]; then
  mapfile -t test_packages < <(read_list "$DEPS/test.txt")
  packages+=("${test_packages[@]}")
fi
echo "install-deps: checking ${#packages[@]} Debian packages"
apt_install "${packages[@]}"

if [[ $with_tests -eq 1 ]]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "install-deps: node or npm missing"
    apt_install nodejs npm
  fi
  browser_dir="$ROOT/tests/browser"
  if [[ -d "$browser_dir/node_modules" ]]; then
    echo "install-deps: $browser_dir/node_modules present, skipping npm ci"
  else
    echo "install-deps: npm ci in $browser_dir (playwright-core; Debian's chromium is the browser)"
    (cd "$browser_dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
  fi
fi

echo "install-deps: done"
