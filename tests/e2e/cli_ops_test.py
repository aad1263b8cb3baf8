#!/usr/bin/env python3
"""End-to-end checks of the shopd command line and operations endpoints,
against the real binary on free loopback ports.

Covers: --help/--version, exit code 2 with the key named for bad config
(unknown key, wrong type, bad environment value), environment overrides
(port, data dir, database URL, shop name), `migrate`, refusal to serve a
database migrated by a newer binary, `healthcheck`, /readyz, /metrics, the
home page through the layout, and JSON access-log lines that carry the
caller's X-Request-Id and W3C trace id.
"""
import argparse
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

ARGS = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def base_env(data_dir: str, port: int, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPD_")}
    env.update({"SHOPD_HTTP_PORT": str(port), "SHOPD_DATA_DIR": data_dir})
    env.update(extra)
    return env


def run(args, env, timeout=60):
    return subprocess.run([ARGS.binary] + args, env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=ARGS.source_dir)


def get(port, path, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


class Server:
    """shopd serve in the background, stdout captured to a file."""

    def __init__(self, env):
        self.port = int(env["SHOPD_HTTP_PORT"])
        self.log = tempfile.NamedTemporaryFile("w+", delete=False, suffix=".log")
        self.proc = subprocess.Popen([ARGS.binary, "--config", ARGS.config, "serve"], env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=ARGS.source_dir)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"shopd exited early with {self.proc.returncode}: {self.output()}")
            try:
                if get(self.port, "/livez")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("shopd did not become live: " + self.output())

    def output(self) -> str:
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def stop(self) -> int:
        self.proc.terminate()
        code = self.proc.wait(timeout=30)
        os.unlink(self.log.name)
        return code


class CliTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.data = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write_config(self, text: str) -> str:
        path = os.path.join(self.data, "test.toml")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_help_and_version(self):
        env = base_env(self.data, free_port())
        r = run(["--help"], env)
        self.assertEqual(r.returncode, 0)
        self.assertIn("Commands:", r.stdout)
        self.assertIn("migrate", r.stdout)
        r = run(["--version"], env)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"^shopd \d+\.\d+\.\d+")

    def test_unknown_command_is_usage_error(self):
        r = run(["--config", ARGS.config, "frobnicate"], base_env(self.data, free_port()))
        self.assertEqual(r.returncode, 2)
        self.assertIn("unknown command", r.stderr)

    def test_unknown_key_names_the_key(self):
        path = self.write_config('[http]\nportt = 8080\n')
        r = run(["--config", path, "serve"], base_env(self.data, free_port()))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("http.portt", r.stderr)

    def test_wrong_type_names_the_key(self):
        path = self.write_config('[http]\nport = "eighty"\n')
        r = run(["--config", path, "serve"], base_env(self.data, free_port()))
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("http.port", r.stderr)

    def test_bad_environment_value_names_the_key(self):
        env = base_env(self.data, free_port())
        env["SHOPD_HTTP_PORT"] = "not-a-port"
        r = run(["--config", ARGS.config, "serve"], env)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("http.port", r.stderr)
        env["SHOPD_HTTP_PORT"] = "70000"
        r = run(["--config", ARGS.config, "serve"], env)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("http.port", r.stderr)

    def test_missing_config_file_is_a_config_error(self):
        r = run(["--config", os.path.join(self.data, "nope.toml"), "serve"], base_env(self.data, free_port()))
        self.assertEqual(r.returncode, 2, r.stderr)

    def test_migrate_then_refuse_a_newer_schema(self):
        db = os.path.join(self.data, "custom", "shop.db")
        env = base_env(self.data, free_port(), SHOPD_DATABASE_URL="sqlite:" + db)
        r = run(["--config", ARGS.config, "migrate"], env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertTrue(os.path.exists(db), "SHOPD_DATABASE_URL must place the SQLite file")
        r = run(["--config", ARGS.config, "migrate"], env)
        self.assertEqual(r.returncode, 0, "migrate is idempotent: " + r.stdout + r.stderr)
        with sqlite3.connect(db) as conn:
            row = conn.execute("SELECT * FROM schema_migrations LIMIT 1").fetchone()
            self.assertIsNotNone(row, "migrate recorded nothing")
            cols = [d[0] for d in conn.execute("SELECT * FROM schema_migrations LIMIT 1").description]
            newer = dict(zip(cols, row))
            newer["version"] = 999999
            newer["name"] = "from_the_future"
            conn.execute(f"INSERT INTO schema_migrations ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                         [newer[c] for c in cols])
        r = run(["--config", ARGS.config, "serve"], env, timeout=30)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn("newer", r.stdout + r.stderr)


class ServingTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.port = free_port()
        cls.shop_name = "Test Shop ÆØÅ <&>"
        cls.env = base_env(cls.tmp.name, cls.port, SHOPD_SHOP_NAME=cls.shop_name, SHOPD_LOG_ACCESS="true",
                           SHOPD_LOG_FORMAT="json")
        cls.server = Server(cls.env)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        cls.tmp.cleanup()
        assert code == 0, f"shopd exited with {code} on SIGTERM"

    def test_data_dir_holds_the_database(self):
        self.assertTrue(os.path.exists(os.path.join(self.tmp.name, "shop.db")))

    def test_home_page_renders_through_the_layout(self):
        status, headers, body = get(self.port, "/")
        self.assertEqual(status, 200)
        self.assertIn("text/html", headers["Content-Type"])
        self.assertIn("<!doctype html>", body)
        self.assertIn("Test Shop ÆØÅ &lt;&amp;&gt;", body, "shop name must come from config, HTML-escaped")
        self.assertIn('href="/static/css/site.css"', body)
        self.assertIn("nosniff", headers.get("X-Content-Type-Options", ""))
        self.assertIn("default-src 'self'", headers.get("Content-Security-Policy", ""))

    def test_readyz(self):
        status, _, body = get(self.port, "/readyz")
        self.assertEqual(status, 200, body)
        doc = json.loads(body)
        self.assertEqual(doc["status"], "ready")
        self.assertEqual(doc["checks"]["database"], "ok")
        self.assertEqual(doc["checks"]["schema"], "ok")

    def test_healthcheck_command(self):
        r = run(["--config", ARGS.config, "healthcheck"], self.env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        other = dict(self.env, SHOPD_HTTP_PORT=str(free_port()))
        r = run(["--config", ARGS.config, "healthcheck"], other)
        self.assertEqual(r.returncode, 1, "nothing listens there")

    def test_metrics_count_requests_by_route_template(self):
        for _ in range(3):
            get(self.port, "/livez")
        get(self.port, "/no/such/page")
        status, headers, body = get(self.port, "/metrics")
        self.assertEqual(status, 200)
        self.assertIn("text/plain", headers["Content-Type"])
        counts = [line for line in body.splitlines()
                  if line.startswith('http_requests_total{route="/livez",method="GET",status="200"}')]
        self.assertEqual(len(counts), 1, body)
        self.assertGreaterEqual(int(counts[0].rsplit(" ", 1)[1]), 3)
        self.assertIn('http_requests_total{route="unmatched",method="GET",status="404"}', body)
        self.assertIn('http_request_duration_seconds_bucket{route="/livez",method="GET",le="+Inf"}', body)
        for name in ("process_resident_memory_bytes", "process_open_fds", "outbox_pending_events",
                     "outbox_oldest_pending_age_seconds", "outbox_dead_letters"):
            self.assertRegex(body, rf"(?m)^{name} \d", name)

    def test_openapi_document_is_served(self):
        status, _, body = get(self.port, "/api/openapi.json")
        self.assertEqual(status, 200)
        self.assertTrue(json.loads(body)["openapi"].startswith("3.1"))

    def test_access_log_carries_request_and_trace_ids(self):
        trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        get(self.port, "/livez", {"X-Request-Id": "e2e-req-42",
                                  "traceparent": f"00-{trace}-00f067aa0ba902b7-01"})
        deadline = time.time() + 5
        while time.time() < deadline:
            lines = [json.loads(l) for l in self.server.output().splitlines() if l.startswith("{")]
            hits = [l for l in lines if l.get("request_id") == "e2e-req-42"]
            if hits:
                line = hits[0]
                self.assertEqual(line["module"], "access")
                self.assertEqual(line["trace_id"], trace)
                self.assertEqual(line["route"], "/livez")
                self.assertEqual(line["status"], 200)
                self.assertIn("duration_ms", line)
                self.assertIn("ts", line)
                return
            time.sleep(0.2)
        self.fail("no access line with the request id: " + self.server.output()[-2000:])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source-dir", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.binary = os.path.abspath(ARGS.binary)
    ARGS.config = os.path.join(ARGS.source_dir, "config", "dev.toml")
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)
