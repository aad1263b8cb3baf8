#!/usr/bin/env bash
# Sourced by run-tests.sh and bench scripts: starts a throwaway PostgreSQL 15
# and redis-server on free loopback ports in a temp dir and stops exactly
# those (by pid) on exit. Exports SHOPD_TEST_POSTGRES_URL and
# SHOPD_TEST_REDIS_URL.

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_test_servers() {
  TEST_SERVERS_DIR="$(mktemp -d /tmp/shopd-test-servers.XXXXXX)"
  chmod 755 "$TEST_SERVERS_DIR"

  local pgbin=/usr/lib/postgresql/15/bin
  PG_PORT="$(free_port)"
  mkdir -p "$TEST_SERVERS_DIR/pg"
  chown postgres:postgres "$TEST_SERVERS_DIR/pg"
  # PostgreSQL refuses to run as root.
  runuser -u postgres -- "$pgbin/initdb" -D "$TEST_SERVERS_DIR/pg/data" -U postgres -A trust -E UTF8 \
    --no-locale >"$TEST_SERVERS_DIR/initdb.log" 2>&1
  runuser -u postgres -- "$pgbin/pg_ctl" -D "$TEST_SERVERS_DIR/pg/data" -l "$TEST_SERVERS_DIR/pg/log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $TEST_SERVERS_DIR/pg -c fsync=off -c max_connections=300" \
    start >/dev/null
  export SHOPD_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$PG_PORT/postgres"

  REDIS_PORT="$(free_port)"
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$TEST_SERVERS_DIR" --save '' --appendonly no \
    --daemonize yes --pidfile "$TEST_SERVERS_DIR/redis.pid" --logfile "$TEST_SERVERS_DIR/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export SHOPD_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  echo "test servers: PostgreSQL on $PG_PORT, Redis on $REDIS_PORT (in $TEST_SERVERS_DIR)"
  trap stop_test_servers EXIT
}

stop_test_servers() {
  [[ -n "${TEST_SERVERS_DIR:-}" && -d "$TEST_SERVERS_DIR" ]] || return 0
  runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$TEST_SERVERS_DIR/pg/data" -m fast -w stop \
    >/dev/null 2>&1 || true
  if [[ -f "$TEST_SERVERS_DIR/redis.pid" ]]; then
    kill "$(cat "$TEST_SERVERS_DIR/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$TEST_SERVERS_DIR"
  TEST_SERVERS_DIR=""
}
