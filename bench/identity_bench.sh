#!/usr/bin/env bash
# Identity under load: how long one argon2id sign-in takes, and whether
# sign-ins (slow on purpose, on the blocking pool) hurt the latency of cheap
# requests served on the I/O thread.
#
#   bench/identity_bench.sh                       # uses ./build/shopd
#   BUILD_DIR=/path LOGIN_RATE=8 BENCH_DURATION=10s bench/identity_bench.sh
#
# Prints: the median and p90 latency of 20 sequential POST /api/v1/auth/login
# (≈ one argon2id verification each), then wrk -t1 -c32 on /livez while a
# background loop signs in LOGIN_RATE times a second: /livez p99 (goal < 10 ms)
# and the login rate achieved.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUILD_DIR="${BUILD_DIR:-$ROOT/build}"
BINARY="$BUILD_DIR/shopd"
DURATION="${BENCH_DURATION:-10s}"
LOGIN_RATE="${LOGIN_RATE:-8}"

command -v wrk >/dev/null || { echo "identity_bench.sh: wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v curl >/dev/null || { echo "identity_bench.sh: curl is not installed" >&2; exit 2; }
[[ -x "$BINARY" ]] || { echo "identity_bench.sh: no $BINARY (cmake --build $BUILD_DIR --target shopd)" >&2; exit 2; }

WORK="$(mktemp -d /tmp/shopd-identity-bench.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
BASE="http://127.0.0.1:$PORT"
export SHOPD_HTTP_PORT="$PORT" SHOPD_HTTP_HOST=127.0.0.1 SHOPD_DATA_DIR="$WORK/data" SHOPD_SHOP_BASE_URL="$BASE"
export SHOPD_LOG_LEVEL=warn SHOPD_LOG_ACCESS=false
# The loop signs in far more often than a real client: lift the throttles.
export SHOPD_IDENTITY_LOGIN_MAX_PER_IP=100000000 SHOPD_IDENTITY_LOGIN_MAX_PER_ACCOUNT=100000000

SERVER_PID=""
LOOP_PID=""
cleanup() {
  [[ -n "$LOOP_PID" ]] && kill "$LOOP_PID" 2>/dev/null || true
  if [[ -n "$SERVER_PID" ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

"$BINARY" --config config/dev.toml serve >"$WORK/shopd.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
  curl -fs "$BASE/livez" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "$BASE/livez" >/dev/null || { echo "shopd did not start:"; cat "$WORK/shopd.log"; exit 1; }

EMAIL="bench-$$@example.com"
PASSWORD="bench password $$"
BODY="{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"token\":true}"
curl -fs -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\",\"name\":\"Bench\"}" "$BASE/api/v1/auth/register"

login() {
  curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' -d "$BODY" \
    "$BASE/api/v1/auth/login"
}

echo "== argon2id sign-in latency (20 sequential POST /api/v1/auth/login)"
for _ in $(seq 20); do login; done >"$WORK/sequential"
bad="$(awk '$1 != 200' "$WORK/sequential" | wc -l)"
awk '{ printf "%.1f\n", $2 * 1000 }' "$WORK/sequential" | sort -n | awk -v bad="$bad" '
  { t[NR] = $1 }
  END { printf "  median %.1f ms   p90 %.1f ms   min %.1f ms   (non-200: %d)\n", t[int((NR + 1) / 2)], t[int(NR * 0.9)], t[1], bad }'

echo "== /livez under wrk -t1 -c32 -d$DURATION while signing in $LOGIN_RATE times a second"
(
  interval="$(awk -v r="$LOGIN_RATE" 'BEGIN { printf "%.4f", 1 / r }')"
  while true; do
    login >>"$WORK/logins" &
    sleep "$interval"
  done
) &
LOOP_PID=$!
started="$(date +%s.%N)"
wrk -t1 -c32 -d"$DURATION" --latency "$BASE/livez" >"$WORK/wrk.txt"
ended="$(date +%s.%N)"
kill "$LOOP_PID" 2>/dev/null || true
wait "$LOOP_PID" 2>/dev/null || true
LOOP_PID=""
sleep 1

sed -n '/Latency Distribution/,/99%/p' "$WORK/wrk.txt" | sed 's/^/  /'
grep -E 'Requests/sec' "$WORK/wrk.txt" | sed 's/^/  /'
p99="$(awk '$1 == "99%" { print $2 }' "$WORK/wrk.txt")"
p99_ms="$(awk -v v="$p99" 'BEGIN {
  if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
  else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
  else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } }')"
logins_ok="$(awk '$1 == 200' "$WORK/logins" | wc -l)"
logins_all="$(wc -l <"$WORK/logins")"
rate="$(awk -v n="$logins_ok" -v a="$started" -v b="$ended" 'BEGIN { printf "%.1f", n / (b - a) }')"
echo "  /livez p99: ${p99_ms} ms (goal < 10 ms)"
echo "  logins: $logins_ok ok of $logins_all, $rate per second (target $LOGIN_RATE)"
awk -v p="$p99_ms" 'BEGIN { exit !(p < 10) }' && echo "  verdict: OK" || echo "  verdict: /livez p99 over 10 ms"
