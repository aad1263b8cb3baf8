#!/usr/bin/env python3
"""Catalog and search under load, against a minimal Beast server in the same run.

    python3 bench/catalog_bench.py                      # ./build, 1,000 and 50,000 products
    BENCH_SIZES=1000 BENCH_DURATION=5s python3 bench/catalog_bench.py
    python3 bench/catalog_bench.py --build-dir build --sizes 1000,50000 --duration 10s

For each catalog size: seeds a fresh SQLite data directory with
`shopd seed --demo --products N`, starts shopd once so the search index is
built, restarts it and times spawn → first 200 of GET /api/v1/products on the
existing database, then drives with `wrk -t1 -c32`:

    minimal      the minimal Beast server's fixed JSON (the baseline)
    product      GET /api/v1/products/{slug}
    list         GET /api/v1/products?category={slug}
    search       GET /api/v1/search?q={word}
    page         GET /p/{slug} (the storefront product page)
    search0      the same search on a restart with search.result_cache_entries = 0
                 (every request runs the Xapian match and facet pass)

and prints requests/s, p50, p99 and the ratio to the minimal server, plus the
resident memory of shopd after the load (VmRSS, and the peak VmHWM). Goals
(checked, reported as ok/MISS): product ≥ 0.50 × minimal; search ≥ 5,000/s
with p99 < 20 ms on 1,000 products; RSS < 60 MB with 50,000 products; start
to first 200 < 200 ms on the 50,000-product database.
"""
import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_ok(url, proc, timeout=120, interval=0.05):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}) before {url} answered")
        try:
            if get(url, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(interval)
    raise RuntimeError(f"{url} did not answer 200 within {timeout}s")


def us(value):
    number = float(re.match(r"[\d.]+", value).group(0))
    if value.endswith("us"):
        return number
    if value.endswith("ms"):
        return number * 1000
    if value.endswith("s"):
        return number * 1_000_000
    return number


def wrk(url, duration, connections):
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{duration}", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = us(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    p99 = us(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p50": p50, "p99": p99, "non2xx": int(non2xx.group(1)) if non2xx else 0}


def memory_kib(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(rest.split()[0])
    return fields


class Shopd:
    def __init__(self, binary, data_dir, log_path):
        self.binary = binary
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPD_")}
        self.env.update({
            "SHOPD_HTTP_HOST": "127.0.0.1",
            "SHOPD_HTTP_PORT": str(self.port),
            "SHOPD_HTTP_IO_THREADS": "1",
            "SHOPD_DATA_DIR": data_dir,
            "SHOPD_SHOP_BASE_URL": self.base,
            "SHOPD_LOG_LEVEL": "warn",
            "SHOPD_LOG_ACCESS": "false",
        })
        self.log_path = log_path
        self.proc = None

    def cli(self, *args):
        return subprocess.run([self.binary, "--config", os.path.join(ROOT, "config", "dev.toml"), *args],
                              env=self.env, cwd=ROOT, capture_output=True, text=True)

    def start(self):
        log = open(self.log_path, "a")
        started = time.perf_counter()
        self.proc = subprocess.Popen([self.binary, "--config", os.path.join(ROOT, "config", "dev.toml"), "serve"],
                                     env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return started

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)


def bench_size(args, n, minimal_url, work):
    data_dir = os.path.join(work, f"data-{n}")
    server = Shopd(args.binary, data_dir, os.path.join(work, f"shopd-{n}.log"))
    t0 = time.perf_counter()
    seeded = server.cli("seed", "--demo", "--products", str(n))
    seed_s = time.perf_counter() - t0
    if seeded.returncode != 0:
        raise RuntimeError(f"seed failed ({seeded.returncode}):\n{seeded.stdout}\n{seeded.stderr}")

    # First start: builds the search index from the catalog.
    server.start()
    wait_ok(server.base + "/api/v1/products?limit=1", server.proc)
    first = json.loads(get(server.base + "/api/v1/products?limit=1")[1])["items"][0]
    word = first["name"].split()[-1].lower()
    wait_ok(server.base + "/api/v1/search?q=" + urllib.parse.quote(word), server.proc, timeout=600, interval=0.2)
    deadline = time.time() + 600
    while json.loads(get(server.base + "/api/v1/search?q=" + urllib.parse.quote(word))[1]).get("total", 0) == 0:
        if time.time() > deadline:
            raise RuntimeError("the search index never found " + word)
        time.sleep(0.2)
    server.stop()

    # Second start on the existing database and index: time to the first 200.
    started = server.start()
    wait_ok(server.base + "/api/v1/products?limit=1", server.proc, interval=0.001)
    start_ms = (time.perf_counter() - started) * 1000

    categories = json.loads(get(server.base + "/api/v1/categories")[1])
    items = categories["items"] if isinstance(categories, dict) else categories
    category = items[0]["slug"]
    slug = first["slug"]
    targets = [
        ("minimal", minimal_url),
        ("product", f"{server.base}/api/v1/products/{slug}"),
        ("list", f"{server.base}/api/v1/products?category={category}"),
        ("search", f"{server.base}/api/v1/search?q={urllib.parse.quote(word)}"),
        ("page", f"{server.base}/p/{slug}"),
    ]
    for _, url in targets:  # warm caches and connections
        wrk(url, "2s", args.connections)
    rows = [(name, wrk(url, args.duration, args.connections)) for name, url in targets]
    memory = memory_kib(server.proc.pid)
    server.stop()

    # The same search with the result cache off: what a query costs the index
    # itself (a first-time query, or one right after the index changed).
    server.env["SHOPD_SEARCH_RESULT_CACHE_ENTRIES"] = "0"
    server.start()
    wait_ok(server.base + "/api/v1/search?q=" + urllib.parse.quote(word), server.proc)
    uncached = f"{server.base}/api/v1/search?q={urllib.parse.quote(word)}"
    wrk(uncached, "2s", args.connections)
    rows.append(("search0", wrk(uncached, args.duration, args.connections)))
    server.stop()
    del server.env["SHOPD_SEARCH_RESULT_CACHE_ENTRIES"]
    return {"n": n, "seed_s": seed_s, "start_ms": start_ms, "rows": rows, "memory": memory,
            "search_word": word, "slug": slug}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", os.path.join(ROOT, "build")))
    parser.add_argument("--sizes", default=os.environ.get("BENCH_SIZES", "1000,50000"))
    parser.add_argument("--duration", default=os.environ.get("BENCH_DURATION", "10s"))
    parser.add_argument("--connections", type=int, default=int(os.environ.get("BENCH_CONNECTIONS", "32")))
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("catalog_bench.py: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    subprocess.run(["cmake", "--build", args.build_dir, "--target", "shopd", "bench_minimal_server", "-j2"],
                   check=True, stdout=subprocess.DEVNULL)
    args.binary = os.path.join(args.build_dir, "shopd")
    minimal_bin = subprocess.run(["find", args.build_dir, "-type", "f", "-name", "bench_minimal_server"],
                                 capture_output=True, text=True).stdout.split()[0]

    work = tempfile.mkdtemp(prefix="shopd-catalog-bench-")
    minimal_port = free_port()
    minimal = subprocess.Popen([minimal_bin, "127.0.0.1", str(minimal_port)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    minimal_url = f"http://127.0.0.1:{minimal_port}/"
    results = []
    try:
        wait_ok(minimal_url, minimal)
        for n in [int(s) for s in args.sizes.split(",") if s]:
            print(f"catalog of {n} products: seeding, indexing, measuring ...", file=sys.stderr)
            results.append(bench_size(args, n, minimal_url, work))
    finally:
        minimal.terminate()
        minimal.wait()
        shutil.rmtree(work, ignore_errors=True)

    misses = 0
    print(f"\nwrk -t1 -c{args.connections} -d{args.duration}, one shopd io thread, SQLite, same run")
    print(f"{'products':>8} {'target':<8} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'vs minimal':>10} {'non-2xx':>8}")
    for r in results:
        base = dict(r["rows"])["minimal"]["rps"]
        for name, row in r["rows"]:
            print(f"{r['n']:>8} {name:<8} {row['rps']:>11.0f} {row['p50'] / 1000:>8.2f} {row['p99'] / 1000:>8.2f} "
                  f"{row['rps'] / base:>10.2f} {row['non2xx']:>8}")
            if name != "minimal" and row["non2xx"]:
                misses += 1
    print(f"\n{'products':>8} {'seed s':>8} {'start→200 ms':>13} {'RSS MB':>8} {'peak RSS MB':>12}")
    for r in results:
        print(f"{r['n']:>8} {r['seed_s']:>8.1f} {r['start_ms']:>13.0f} {r['memory']['VmRSS'] / 1024:>8.1f} "
              f"{r['memory']['VmHWM'] / 1024:>12.1f}")

    print("\ngoals:")

    def goal(text, ok):
        nonlocal misses
        misses += 0 if ok else 1
        print(f"  {'ok  ' if ok else 'MISS'} {text}")

    for r in results:
        rows = dict(r["rows"])
        ratio = rows["product"]["rps"] / rows["minimal"]["rps"]
        goal(f"{r['n']} products: product JSON {ratio:.2f} of the minimal server (>= 0.50)", ratio >= 0.5)
        if r["n"] <= 1000:
            s = rows["search"]
            goal(f"{r['n']} products: search {s['rps']:.0f}/s (>= 5000), p99 {s['p99'] / 1000:.1f} ms (< 20)",
                 s["rps"] >= 5000 and s["p99"] < 20_000)
        if r["n"] >= 50000:
            goal(f"{r['n']} products: RSS {r['memory']['VmRSS'] / 1024:.1f} MB (< 60)", r["memory"]["VmRSS"] < 60 * 1024)
            goal(f"{r['n']} products: start to first 200 {r['start_ms']:.0f} ms (< 200)", r["start_ms"] < 200)
    return 1 if misses and os.environ.get("BENCH_STRICT") == "1" else 0


if __name__ == "__main__":
    sys.exit(main())
