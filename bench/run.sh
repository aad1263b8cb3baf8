#!/usr/bin/env bash
# Measures shopd's GET /livez against a minimal Boost.Beast server with wrk,
# in the same run on the same machine, and reports the ratio (DESIGN §2: the
# platform should cost little over bare Beast). Absolute numbers depend on the
# machine; the ratio is what to compare.
#
#   bench/run.sh                     # builds ./build (Release), 2 rounds of 10 s each
#   BUILD_DIR=/path BENCH_ROUNDS=1 BENCH_DURATION=5s bench/run.sh
#   BENCH_STRICT=1 bench/run.sh      # exit 1 when shopd/minimal < BENCH_MIN_RATIO (0.80)
#
# shopd runs with one io thread and the access log on (written to a file), so
# the cost of logging every request is part of the figure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"  # shopd finds web/ relative to the working directory
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
DURATION="${BENCH_DURATION:-10s}"
ROUNDS="${BENCH_ROUNDS:-2}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
MIN_RATIO="${BENCH_MIN_RATIO:-0.80}"

command -v wrk >/dev/null || { echo "run.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }

if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]]; then
  cmake -S "$ROOT" -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
fi
build_type="$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt")"
if [[ "$build_type" != "Release" ]]; then
  echo "run.sh: warning: $BUILD_DIR is a '$build_type' build; figures are only meaningful for Release" >&2
fi
cmake --build "$BUILD_DIR" --target shopd bench_minimal_server -j2

SHOPD="$BUILD_DIR/shopd"
MINIMAL="$(find "$BUILD_DIR" -type f -name bench_minimal_server -perm -u+x | head -n1)"
[[ -x "$SHOPD" && -x "$MINIMAL" ]] || { echo "run.sh: built binaries not found in $BUILD_DIR" >&2; exit 2; }

WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_ready() {  # url, name, log
  for _ in $(seq 1 300); do
    if python3 - "$1" <<'PY' 2>/dev/null; then return 0; fi
import sys, urllib.request
sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=1).status == 200 else 1)
PY
    sleep 0.1
  done
  echo "run.sh: $2 did not become ready; log:" >&2
  tail -n 20 "$3" >&2 || true
  exit 1
}

MINIMAL_PORT="$(free_port)"
"$MINIMAL" 127.0.0.1 "$MINIMAL_PORT" >"$WORK/minimal.log" 2>&1 &
PIDS+=("$!")

SHOPD_PORT="$(free_port)"
mkdir -p "$WORK/data"
SHOPD_HTTP_PORT="$SHOPD_PORT" SHOPD_HTTP_IO_THREADS=1 SHOPD_LOG_ACCESS=true SHOPD_DATA_DIR="$WORK/data" \
  "$SHOPD" --config "$ROOT/config/dev.toml" serve >"$WORK/shopd.log" 2>&1 &
PIDS+=("$!")

MINIMAL_URL="http://127.0.0.1:$MINIMAL_PORT/"
SHOPD_URL="http://127.0.0.1:$SHOPD_PORT/livez"
wait_ready "$MINIMAL_URL" "bench_minimal_server" "$WORK/minimal.log"
wait_ready "$SHOPD_URL" "shopd" "$WORK/shopd.log"

# wrk --latency output → "requests_per_s p50_us p99_us non2xx errors"
parse_wrk() {
  awk '
    function us(v) {
      if (v ~ /us$/) return v + 0;
      if (v ~ /ms$/) return v * 1000;
      if (v ~ /s$/)  return v * 1000000;
      return v + 0;
    }
    /^ +50%/ { p50 = us($2) }
    /^ +99%/ { p99 = us($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { errors = $0; sub(/.*Socket errors: /, "", errors); gsub(/ /, "", errors) }
    END { printf "%s %.0f %.0f %d %s\n", rps, p50, p99, non2xx, (errors == "" ? "-" : errors) }'
}

run_wrk() {  # name, url, round
  local out="$WORK/wrk-$1-$3.txt"
  wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "$2" >"$out"
  echo "$1 $3 $(parse_wrk <"$out")" >>"$WORK/results.txt"
}

echo "warming up..." >&2
wrk -t1 -c"$CONNECTIONS" -d2s "$MINIMAL_URL" >/dev/null
wrk -t1 -c"$CONNECTIONS" -d2s "$SHOPD_URL" >/dev/null

: >"$WORK/results.txt"
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round/$ROUNDS: minimal, then shopd ($DURATION each, -t1 -c$CONNECTIONS)..." >&2
  run_wrk minimal "$MINIMAL_URL" "$round"
  run_wrk shopd "$SHOPD_URL" "$round"
done

echo
printf '%-8s %5s %12s %10s %10s %8s %s\n' server round "requests/s" "p50 (us)" "p99 (us)" non-2xx "socket errors"
while read -r name round rps p50 p99 non2xx errors; do
  printf '%-8s %5s %12.0f %10s %10s %8s %s\n' "$name" "$round" "$rps" "$p50" "$p99" "$non2xx" "$errors"
done <"$WORK/results.txt"

read -r minimal_mean shopd_mean ratio bad <<<"$(awk '
  $1 == "minimal" { m += $3; mn++ }
  $1 == "shopd"   { s += $3; sn++; if ($6 > 0) bad = 1 }
  END { mm = m / mn; sm = s / sn; printf "%.0f %.0f %.3f %d\n", mm, sm, sm / mm, bad }' "$WORK/results.txt")"

echo
echo "mean requests/s: minimal $minimal_mean, shopd $shopd_mean"
echo "ratio shopd/minimal: $ratio (goal >= $MIN_RATIO)"
access_lines="$(grep -c '"status":200' "$WORK/shopd.log" || true)"
echo "shopd access log lines with status 200: $access_lines"

if [[ "$bad" == "1" ]]; then
  echo "run.sh: shopd answered non-2xx responses under load" >&2
  exit 1
fi
if [[ "${BENCH_STRICT:-0}" == "1" ]] && awk -v r="$ratio" -v min="$MIN_RATIO" 'BEGIN { exit !(r < min) }'; then
  echo "run.sh: ratio $ratio is below $MIN_RATIO" >&2
  exit 1
fi
