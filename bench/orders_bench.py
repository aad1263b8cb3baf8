#!/usr/bin/env python3
"""Carts and paid orders under load, 32 concurrent shoppers, in one run.

    python3 bench/orders_bench.py [--build-dir build] [--duration 20s]
    bash -c 'source scripts/test-servers.sh; start_test_servers; BENCH_DURATION=10s python3 bench/orders_bench.py'

Starts the already built shopd (nothing is built) with `--config
config/dev.toml serve` on a free loopback port and a fresh data directory per
backend, creates an admin (`shopd create-admin`) and products with plenty of
stock through the staff API, then measures:

    add-to-cart   POST /api/v1/carts/{id}/items with `wrk -t1 -c32` and a Lua
                  script cycling over 2,000 pre-created carts × 20 SKUs (one
                  unit per request, so no line nears cart.max_quantity), on the
                  embedded key-value store (SQLite shop) and on Redis
                  (SHOPD_REDIS_URL from SHOPD_TEST_REDIS_URL, SQLite database)
    paid orders   bench_order_shoppers (bench/order_shoppers.cpp, built with
                  the project): 32 threads, one keep-alive connection each,
                  each looping: create a cart, add one item, POST
                  /api/v1/checkout (Idempotency-Key), POST
                  /api/v1/payments/{id}/confirm with 4242 4242 4242 4242, poll
                  GET /api/v1/orders/{id} (X-Order-Token) until PAID; latency
                  is checkout → PAID seen, on SQLite and on PostgreSQL (a fresh
                  database on SHOPD_TEST_POSTGRES_URL, with Redis for carts when
                  SHOPD_TEST_REDIS_URL is set, the production shape)

Prints requests/s (orders/s), p50, p99, non-2xx and orders that never reached
PAID. Goals (reported as ok/MISS): add-to-cart >= 10,000/s on the embedded
store; >= 500 paid orders/s on SQLite; >= 300/s on PostgreSQL; beside them
the reference "1,000 requests/s per service, order creation under 1 s" (p99
checkout → PAID < 1 s). A backend whose server variable is unset is skipped
and said so. BENCH_STRICT=1 makes a MISS the exit status.
"""
import argparse
import http.client
import json
import os
import re
import resource
import secrets
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "e2e"))
from shopd_harness import Server  # noqa: E402  (the e2e tests' way of starting shopd)
CONFIG = os.path.join(ROOT, "config", "dev.toml")
ADMIN_EMAIL = "bench-admin@example.com"
ADMIN_PASSWORD = "bench-" + secrets.token_urlsafe(12)
CARD_OK = "4242424242424242"
ADDRESS = {"name": "Ada Lovelace", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}
STOCK = 1_000_000
CART_SKUS = 20
CART_COUNT = 2000
ORDER_SKUS = 100
PAID_TIMEOUT_S = 30


def seconds(value):
    m = re.fullmatch(r"([\d.]+)(ms|s|m)?", value.strip())
    if not m:
        raise ValueError(f"bad duration {value!r} (e.g. 20s)")
    number = float(m.group(1))
    return {"ms": number / 1000, "s": number, None: number, "m": number * 60}[m.group(2)]


def us(value):
    number = float(re.match(r"[\d.]+", value).group(0))
    if value.endswith("us"):
        return number
    if value.endswith("ms"):
        return number * 1000
    if value.endswith("m"):
        return number * 60_000_000
    if value.endswith("s"):
        return number * 1_000_000
    return number


def percentile(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, int(round(p / 100 * len(ordered) + 0.5)) - 1))
    return ordered[k]


class Conn:
    """One keep-alive connection (reconnects after an error); JSON in and out."""

    def __init__(self, port, timeout=30):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        hdrs = {"Content-Type": "application/json"} if body is not None else {}
        hdrs.update(headers or {})
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=data, headers=hdrs)
                resp = self.conn.getresponse()
                raw = resp.read()
                if resp.getheader("Connection", "").lower() == "close":
                    self.close()
                try:
                    parsed = json.loads(raw) if raw else None
                except ValueError:
                    parsed = None
                return resp.status, parsed, raw
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def cpu_seconds(pid):
    """utime + stime of a process from /proc (seconds)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def client_cpu_seconds():
    t = os.times()
    return t.user + t.system


def expect(reply, statuses, what):
    status, _, raw = reply
    if status not in statuses:
        raise RuntimeError(f"{what}: HTTP {status}: {raw[:300].decode('utf-8', 'replace')}")
    return reply[1]


def prepare(server, n_skus):
    """Admin, start, sign in, `n_skus` published products with STOCK units each; returns (conn, token, skus)."""
    password_file = os.path.join(server.dir, "admin-password")
    with open(password_file, "w") as f:
        f.write(ADMIN_PASSWORD + "\n")
    created = server.cli("create-admin", "--email", ADMIN_EMAIL, "--password-file", password_file)
    if created.returncode != 0:
        raise RuntimeError(f"create-admin failed ({created.returncode}):\n{created.stdout}\n{created.stderr}")
    server.start()
    conn = Conn(server.port)
    token = expect(conn.request("POST", "/api/v1/auth/login",
                                {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD, "token": True}),
                   (200,), "login")["token"]
    auth = {"Authorization": f"Bearer {token}"}
    skus = []
    for i in range(n_skus):
        sku = f"BENCH-{i:04d}-{secrets.token_hex(2).upper()}"
        body = {"name": f"Bench product {sku}", "description": "For the orders benchmark.", "status": "published",
                "variants": [{"sku": sku, "options": {"size": "M"}, "price": 1500 + i, "weight_grams": 300}]}
        expect(conn.request("POST", "/api/v1/admin/products", body, auth), (201,), "create product")
        expect(conn.request("POST", f"/api/v1/admin/inventory/{sku}/adjustments",
                            {"delta": STOCK, "reason": "received"}, auth), (200,), "stock adjustment")
        skus.append(sku)
    return conn, token, skus


def run_parallel(port, n_threads, items, fn):
    """fn(conn, item) over items on n_threads keep-alive connections; returns the results in order."""
    results = [None] * len(items)
    errors = []
    todo = iter(range(len(items)))
    lock = threading.Lock()

    def worker():
        conn = Conn(port)
        while not errors:
            with lock:
                i = next(todo, None)
            if i is None:
                break
            try:
                results[i] = fn(conn, items[i])
            except Exception as e:  # noqa: BLE001 - raised below
                errors.append(e)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


LUA = """
local carts = {%(carts)s}
local skus = {%(skus)s}
local i = 0
request = function()
  i = i + 1
  local cart = carts[(i %% #carts) + 1]
  local sku = skus[(math.floor(i / #carts) %% #skus) + 1]
  return wrk.format("POST", "/api/v1/carts/" .. cart .. "/items",
                    {["Content-Type"] = "application/json"},
                    '{"sku":"' .. sku .. '","quantity":1}')
end
"""


def wrk(url, duration, connections, script):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = us(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = us(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": p50 / 1000, "p99": p99 / 1000, "non2xx": int(non2xx.group(1)) if non2xx else 0,
            "requests": total, "socket_errors": errors.group(0) if errors else ""}


def start_server(args, name, extra_env):
    """A shopd on a free port in its own data directory, remembered for clean-up."""
    # Access logs would cost the server CPU the measurement wants.
    server = Server(args, name, {"SHOPD_LOG_ACCESS": "false", **extra_env, **args.shopd_env})
    args.servers.append(server)
    return server


def bench_cart(args, name, extra_env):
    server = start_server(args, f"cart-{name}", {"SHOPD_CART_MAX_QUANTITY": "10000", **extra_env})
    try:
        conn, _, skus = prepare(server, CART_SKUS)
        conn.close()
        carts = run_parallel(server.port, 8, list(range(CART_COUNT)),
                             lambda c, _: expect(c.request("POST", "/api/v1/carts", {}), (201,), "create cart")["id"])
        # Check one add by hand, so a broken request shape fails loudly instead of as 100 % non-2xx.
        probe = Conn(server.port)
        expect(probe.request("POST", f"/api/v1/carts/{carts[0]}/items", {"sku": skus[0], "quantity": 1}),
               (200, 201), "add to cart")
        probe.close()
        script = os.path.join(server.dir, "add_to_cart.lua")
        with open(script, "w") as f:
            f.write(LUA % {"carts": ",".join(json.dumps(c) for c in carts),
                           "skus": ",".join(json.dumps(s) for s in skus)})
        wrk(server.base_url + "/", "2s", args.connections, script)  # warm up
        cpu0 = cpu_seconds(server.proc.pid)
        row = wrk(server.base_url + "/", args.duration, args.connections, script)
        row["server_cpu"] = (cpu_seconds(server.proc.pid) - cpu0) / seconds(args.duration)
        if server.proc.poll() is not None:
            raise RuntimeError(f"shopd died under load:\n{server.output()}")
        return row
    finally:
        server.stop()


def bench_orders(args, name, extra_env):
    server = start_server(args, f"orders-{name}", extra_env)
    try:
        conn, _, skus = prepare(server, ORDER_SKUS)
        conn.close()
        cmd = [args.shoppers, "--port", str(server.port), "--skus", ",".join(skus),
               "--connections", str(args.connections),
               "--duration-ms", str(int(seconds(args.duration) * 1000)), "--poll-ms", str(args.poll_ms)]
        cpu0 = cpu_seconds(server.proc.pid)
        client0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds(args.duration) + 120)
        elapsed = time.perf_counter() - started
        server_cpu = (cpu_seconds(server.proc.pid) - cpu0) / elapsed
        client1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        client_cpu = (client1.ru_utime + client1.ru_stime - client0.ru_utime - client0.ru_stime) / elapsed
        if done.returncode != 0:
            raise RuntimeError(f"bench_order_shoppers failed ({done.returncode}): {done.stderr[-2000:]}")
        stats = json.loads(done.stdout)
        elapsed = stats["elapsed"]
        if server.proc.poll() is not None:
            raise RuntimeError(f"shopd died under load:\n{server.output()}")
        lat = stats["latency"]
        return {"rps": stats["paid"] / elapsed, "p50": percentile(lat, 50), "p99": percentile(lat, 99),
                "non2xx": stats["non2xx"], "requests": stats["requests"], "req_rps": stats["requests"] / elapsed,
                "orders": stats["orders"], "paid": stats["paid"], "not_paid": stats["not_paid"],
                "checkout_p50": percentile(stats["checkout_ms"], 50),
                "checkout_p99": percentile(stats["checkout_ms"], 99),
                "confirm_p50": percentile(stats["confirm_ms"], 50),
                "confirm_p99": percentile(stats["confirm_ms"], 99),
                "wait_p50": percentile(stats["wait_ms"], 50),
                "wait_p99": percentile(stats["wait_ms"], 99),
                "errors": stats["errors"][:5], "elapsed": elapsed, "server_cpu": server_cpu,
                "client_cpu": client_cpu}
    finally:
        server.stop()


def create_postgres_database(admin_url):
    name = f"shopd_bench_{os.getpid()}_{secrets.token_hex(3)}"
    subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True, text=True)
    parts = urllib.parse.urlsplit(admin_url)
    return name, urllib.parse.urlunsplit(parts._replace(path="/" + name))


def drop_postgres_database(admin_url, name):
    subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                   capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")))
    parser.add_argument("--duration", default=os.environ.get("BENCH_DURATION", "20s"))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "32")))
    parser.add_argument("--poll-ms", type=float, default=float(os.environ.get("BENCH_POLL_MS", "5")),
                        help="pause between GET /api/v1/orders/{id} polls while waiting for PAID")
    parser.add_argument("--only", choices=("cart", "orders"), help="run only the add-to-cart or the paid-orders part")
    parser.add_argument("--set", action="append", default=[], metavar="SHOPD_KEY=VALUE",
                        help="extra environment for every shopd started (e.g. SHOPD_EVENTS_RELAY_WORKERS=4)")
    args = parser.parse_args()
    seconds(args.duration)  # validate early
    args.shopd_env = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        if not sep or not key.startswith("SHOPD_"):
            parser.error(f"--set {item!r}: expected SHOPD_KEY=VALUE")
        args.shopd_env[key] = value
    args.binary = os.path.join(args.build_dir, "shopd")
    args.shoppers = os.path.join(args.build_dir, "bench", "bench_order_shoppers")
    for binary, target in ((args.binary, "shopd"), (args.shoppers, "bench_order_shoppers")):
        if not os.access(binary, os.X_OK):
            print(f"orders_bench.py: {binary} is not built (cmake --build {args.build_dir} --target {target})",
                  file=sys.stderr)
            return 2
    if not shutil.which("wrk"):
        print("orders_bench.py: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    redis_url = os.environ.get("SHOPD_TEST_REDIS_URL")
    pg_url = os.environ.get("SHOPD_TEST_POSTGRES_URL")

    args.source_dir = ROOT
    args.servers = []
    rows = []  # (test, backend, row)
    skipped = []
    failed = []

    def attempt(test, backend, fn):
        print(f"{test} on {backend}: measuring ...", file=sys.stderr)
        try:
            rows.append((test, backend, fn()))
        except Exception as e:  # noqa: BLE001 - one failed measurement must not hide the others
            failed.append(f"{test} on {backend}: {type(e).__name__}: {str(e)[:1500]}")
            print(f"  FAILED: {e}", file=sys.stderr)

    try:
        if args.only != "orders":
            attempt("add-to-cart", "embedded", lambda: bench_cart(args, "embedded", {}))
            if redis_url:
                attempt("add-to-cart", "redis",
                        lambda: bench_cart(args, "redis", {"SHOPD_REDIS_URL": redis_url}))
            else:
                skipped.append("add-to-cart on Redis: SHOPD_TEST_REDIS_URL is not set (scripts/test-servers.sh)")
        if args.only != "cart":
            attempt("paid orders", "sqlite", lambda: bench_orders(args, "sqlite", {}))
            if pg_url:
                pg_backend = "postgres+redis" if redis_url else "postgres"

                def pg_run():
                    name, url = create_postgres_database(pg_url)
                    try:
                        env = {"SHOPD_DATABASE_URL": url}
                        if redis_url:
                            env["SHOPD_REDIS_URL"] = redis_url
                        return bench_orders(args, "postgres", env)
                    finally:
                        drop_postgres_database(pg_url, name)
                attempt("paid orders", pg_backend, pg_run)
            else:
                skipped.append("paid orders on PostgreSQL: SHOPD_TEST_POSTGRES_URL is not set "
                               "(scripts/test-servers.sh)")
    finally:
        for server in args.servers:
            server.stop()
            if failed or os.environ.get("BENCH_KEEP") == "1":
                print(f"(logs kept in {server.dir})", file=sys.stderr)
            else:
                server.cleanup()

    print(f"\n{args.connections} concurrent shoppers, {args.duration} per measurement, one shopd "
          f"(dev.toml: 1 io thread, 4 blocking threads), {os.cpu_count()} CPUs shared with the load generator")
    print(f"{'test':<12} {'backend':<15} {'per s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} "
          f"{'non-2xx':>8} {'not PAID':>9} {'shopd CPU':>10}")
    for test, backend, r in rows:
        not_paid = str(r["not_paid"]) if "not_paid" in r else "-"
        print(f"{test:<12} {backend:<15} {r['rps']:>9.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['requests']:>9} "
              f"{r['non2xx']:>8} {not_paid:>9} {r['server_cpu'] * 100:>9.0f}%")
    order_rows = [(b, r) for t, b, r in rows if t == "paid orders"]
    if order_rows:
        print("\npaid orders: 'per s' is orders paid per second, latency is checkout → PAID seen by polling")
        print("(the split, p50 / p99 ms: the POST /checkout, the POST /confirm, then confirm answered → PAID seen)")
        print(f"{'backend':<15} {'orders':>7} {'paid':>7} {'HTTP req/s':>11} {'checkout':>15} {'confirm':>15} "
              f"{'confirm→PAID':>15} {'client CPU':>11}")
        for backend, r in order_rows:
            print(f"{backend:<15} {r['orders']:>7} {r['paid']:>7} {r['req_rps']:>11.0f} "
                  f"{r['checkout_p50']:>7.1f} /{r['checkout_p99']:>6.0f} {r['confirm_p50']:>7.1f} /{r['confirm_p99']:>6.0f} "
                  f"{r['wait_p50']:>7.1f} /{r['wait_p99']:>6.0f} {r['client_cpu'] * 100:>10.0f}%")
            for e in r["errors"]:
                print(f"  {backend}: {e}")
    for test, backend, r in rows:
        if r.get("socket_errors"):
            print(f"  {test} on {backend}: wrk {r['socket_errors']}")
    for s in skipped:
        print(f"skipped: {s}")
    for f in failed:
        print(f"FAILED: {f}")

    misses = len(failed)
    print("\ngoals (reference: 1,000 requests/s per service, order creation under 1 s):")

    def goal(text, ok):
        nonlocal misses
        misses += 0 if ok else 1
        print(f"  {'ok  ' if ok else 'MISS'} {text}")

    results = {(t, b): r for t, b, r in rows}
    cart = results.get(("add-to-cart", "embedded"))
    if cart:
        goal(f"add-to-cart embedded {cart['rps']:.0f}/s (>= 10,000), p99 {cart['p99']:.1f} ms, "
             f"{cart['non2xx']} non-2xx", cart["rps"] >= 10_000 and cart["non2xx"] == 0)
    cart = results.get(("add-to-cart", "redis"))
    if cart:
        goal(f"add-to-cart redis {cart['rps']:.0f}/s (reference >= 1,000), p99 {cart['p99']:.1f} ms, "
             f"{cart['non2xx']} non-2xx", cart["rps"] >= 1_000 and cart["non2xx"] == 0)
    for backend, r in order_rows:
        target = 500 if backend == "sqlite" else 300
        goal(f"paid orders {backend} {r['rps']:.0f}/s (>= {target}), {r['not_paid']} not PAID, "
             f"{r['non2xx']} non-2xx", r["rps"] >= target and r["not_paid"] == 0 and r["non2xx"] == 0)
        goal(f"paid orders {backend}: HTTP {r['req_rps']:.0f} requests/s (reference >= 1,000)",
             r["req_rps"] >= 1_000)
        goal(f"paid orders {backend}: p99 checkout → PAID {r['p99']:.0f} ms (reference < 1,000 ms)",
             r["p99"] < 1000)
    return 1 if misses and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
