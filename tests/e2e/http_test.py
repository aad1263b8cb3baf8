#!/usr/bin/env python3
"""HTTP end-to-end tests against the real shopd binary (DESIGN §8).

Each test class starts its own shopd on a free loopback port with a fresh
data directory and talks to it over real sockets: protocol limits (431, 413,
400), problem+json answers (404, 405), static files with ETags, the header
timeout against a slow-loris client, and a graceful drain on SIGTERM under
load.

Python 3 standard library only:

    python3 tests/e2e/http_test.py --binary build/shopd --source-dir .

Extra arguments go to unittest (e.g. `-k slow`). Exits non-zero on failure.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

BINARY = None
SOURCE_DIR = None
STARTUP_TIMEOUT_S = 90.0
INSTANCES = []  # every Shopd started, for the log tails printed on failure


def free_port():
    """A port that was free a moment ago (bind to 0 and let the OS choose)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Shopd:
    """One shopd process serving on a free port with a temporary data dir."""

    def __init__(self, name, extra_env=None):
        self.name = name
        self.port = free_port()
        self.tmp = tempfile.mkdtemp(prefix="shopd-e2e-")
        self.log_path = os.path.join(self.tmp, "shopd.log")
        env = dict(os.environ)
        env.update({
            "SHOPD_HTTP_PORT": str(self.port),
            "SHOPD_DATA_DIR": os.path.join(self.tmp, "data"),
            "SHOPD_WEB_DIR": os.path.join(SOURCE_DIR, "web"),
            "SHOPD_DEBUG_ROUTES": "true",
            "SHOPD_LOG_ACCESS": "false",
        })
        env.update(extra_env or {})
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [BINARY, "--config", os.path.join(SOURCE_DIR, "config", "dev.toml"), "serve"],
            cwd=SOURCE_DIR, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        INSTANCES.append(self)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"shopd ({self.name}) exited with {self.proc.returncode} "
                                   f"during start-up:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/livez")
                if conn.getresponse().status == 200:
                    conn.close()
                    return
                conn.close()
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"shopd ({self.name}) not ready after {STARTUP_TIMEOUT_S}s:\n{self.log_tail()}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if not self.log.closed:
            self.log.close()

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def log_tail(self, lines=40):
        try:
            if not self.log.closed:
                self.log.flush()
            with open(self.log_path, "rb") as f:
                return b"\n".join(f.read().splitlines()[-lines:]).decode("utf-8", "replace")
        except OSError as e:
            return f"(no log: {e})"

    def http(self, method, path, body=None, headers=None, timeout=10):
        """One request on a fresh http.client connection → (status, headers, body)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.headers, resp.read()
        finally:
            conn.close()


class Closed(Exception):
    """The server closed the connection; `received` says how much of a response came first."""

    def __init__(self, received):
        super().__init__(f"connection closed after {len(received)} bytes of a response")
        self.received = received


class RawResponse:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class RawConnection:
    """A bare socket speaking HTTP/1.1 by hand, for what http.client refuses to send."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def send(self, data):
        self.sock.sendall(data)

    def _recv_into_buffer(self):
        """Appends one read to the buffer; Closed (with the partial response) if the server closed."""
        try:
            chunk = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            raise Closed(self.buffer)
        if not chunk:
            raise Closed(self.buffer)
        self.buffer += chunk

    def read_response(self, head_request=False):
        """Reads one complete response (Content-Length framed); Closed if cut short."""
        while b"\r\n\r\n" not in self.buffer:
            self._recv_into_buffer()
        head, _, _ = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), value.strip())
        length = 0 if head_request or status in (204, 304) else int(headers.get("content-length", "0"))
        body_start = len(head) + 4
        while len(self.buffer) < body_start + length:
            self._recv_into_buffer()
        body = self.buffer[body_start:body_start + length]
        self.buffer = self.buffer[body_start + length:]
        return RawResponse(status, headers, body)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def raw_exchange(port, data, timeout=10.0):
    conn = RawConnection(port, timeout)
    try:
        conn.send(data)
        return conn.read_response()
    finally:
        conn.close()


def assert_problem(test, response, status):
    test.assertEqual(response.status, status)
    test.assertTrue(response.headers.get("content-type", "").startswith("application/problem+json"),
                    response.headers)
    body = response.json()
    test.assertEqual(body["status"], status)
    test.assertTrue(body["type"].startswith("/problems/"), body)
    test.assertTrue(body["title"], body)
    return body


class ProtocolTest(unittest.TestCase):
    """Limits, malformed input and problem+json answers on one shopd."""

    @classmethod
    def setUpClass(cls):
        cls.shopd = Shopd("protocol")
        cls.post_path = cls._find_post_route()

    @classmethod
    def tearDownClass(cls):
        cls.shopd.stop()

    @classmethod
    def _find_post_route(cls):
        # A route that really exists for POST, so the 413 is the body limit
        # at work and not a 404 in disguise.
        for path in ("/api/v1/carts", "/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/checkout"):
            status, _, _ = cls.shopd.http("POST", path, body=b"{}", headers={"Content-Type": "application/json"})
            if status not in (404, 405):
                return path
        return None

    def test_livez_ok_with_request_id_and_security_headers(self):
        status, headers, body = self.shopd.http("GET", "/livez", headers={"X-Request-Id": "e2e-livez-1"})
        self.assertEqual(status, 200)
        self.assertEqual(headers.get("X-Request-Id"), "e2e-livez-1")
        self.assertEqual(headers.get("X-Content-Type-Options"), "nosniff")
        self.assertIsNotNone(headers.get("Content-Security-Policy"))
        json.loads(body)

    def test_header_over_8k_is_431(self):
        filler = "".join(f"X-Fill-{i}: {'a' * 1024}\r\n" for i in range(9))
        request = f"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n{filler}\r\n".encode()
        self.assertGreater(len(request), 9 * 1024)
        response = raw_exchange(self.shopd.port, request)
        assert_problem(self, response, 431)
        self.assertEqual(response.headers.get("connection"), "close")

    def test_header_over_8k_sent_in_pieces_is_431(self):
        # The limit is on the whole header, not on each read.
        conn = RawConnection(self.shopd.port)
        try:
            conn.send(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for i in range(12):
                try:
                    conn.send(f"X-Piece-{i}: {'b' * 1000}\r\n".encode())
                except (BrokenPipeError, ConnectionResetError):
                    break  # already refused
                time.sleep(0.02)
            try:
                conn.send(b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass
            response = conn.read_response()
        finally:
            conn.close()
        assert_problem(self, response, 431)

    def test_content_length_over_limit_is_413_before_the_body(self):
        # Prefer a real POST route; while none is registered, GET /livez with a
        # body is still an existing route under the default body limit.
        method, path = ("POST", self.post_path) if self.post_path else ("GET", "/livez")
        conn = RawConnection(self.shopd.port, timeout=5)
        try:
            conn.send(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n".encode())
            # Not one byte of the body is sent: the answer must come anyway.
            response = conn.read_response()
        finally:
            conn.close()
        assert_problem(self, response, 413)

    def test_content_length_with_transfer_encoding_is_400(self):
        path = self.post_path or "/livez"
        for fields in ("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                       "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
                       "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n"):
            with self.subTest(fields=fields):
                response = raw_exchange(
                    self.shopd.port,
                    f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{fields}\r\n0\r\n\r\n".encode())
                assert_problem(self, response, 400)

    def test_malformed_request_is_400(self):
        for request in (b"GARBAGE\r\n\r\n",
                        b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
                        b"GET /livez HTTP/1.1 extra\r\nHost: 127.0.0.1\r\n\r\n",
                        b"GET /livez HTTP/1.1\r\nBad Header: x\r\n\r\n",
                        b"GET /livez HTTP/1.1\r\n\r\n",  # HTTP/1.1 without Host
                        b"GET /%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"):
            with self.subTest(request=request):
                response = raw_exchange(self.shopd.port, request)
                assert_problem(self, response, 400)

    def test_unknown_route_is_404_problem_json(self):
        status, headers, body = self.shopd.http("GET", "/no/such/route")
        self.assertEqual(status, 404)
        self.assertTrue(headers.get("Content-Type", "").startswith("application/problem+json"))
        problem = json.loads(body)
        self.assertEqual(problem["status"], 404)
        self.assertTrue(problem["type"])
        self.assertTrue(problem["title"])

    def test_wrong_method_is_405_with_allow(self):
        status, headers, body = self.shopd.http("DELETE", "/livez")
        self.assertEqual(status, 405)
        allow = [m.strip() for m in (headers.get("Allow") or "").split(",")]
        self.assertIn("GET", allow)
        self.assertEqual(json.loads(body)["status"], 405)

    def test_head_has_headers_but_no_body_and_keeps_the_connection(self):
        conn = RawConnection(self.shopd.port)
        try:
            # Pipelined: HEAD then GET in one write; the GET answer must follow
            # the HEAD answer directly, proving no body bytes were sent for HEAD.
            conn.send(b"HEAD /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                      b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head = conn.read_response(head_request=True)
            get = conn.read_response()
        finally:
            conn.close()
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(get.status, 200)
        self.assertEqual(int(head.headers["content-length"]), len(get.body))

    def test_static_file_etag_and_304(self):
        status, headers, body = self.shopd.http("GET", "/static/css/site.css")
        self.assertEqual(status, 200)
        self.assertTrue(body)
        self.assertTrue(headers.get("Content-Type", "").startswith("text/css"))
        etag = headers.get("ETag")
        self.assertTrue(etag and etag.startswith('"'), headers)
        self.assertIn("max-age", headers.get("Cache-Control", ""))
        status, headers, body = self.shopd.http("GET", "/static/css/site.css", headers={"If-None-Match": etag})
        self.assertEqual(status, 304)
        self.assertEqual(body, b"")

    def test_static_traversal_is_404(self):
        for path in ("/static/../config/dev.toml", "/static/..%2f..%2fconfig%2fdev.toml",
                     "/static/%2e%2e/%2e%2e/config/dev.toml"):
            with self.subTest(path=path):
                response = raw_exchange(self.shopd.port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                self.assertEqual(response.status, 404)


class SlowLorisTest(unittest.TestCase):
    """A client trickling its header is dropped at the header timeout; others are unaffected."""

    HEADER_TIMEOUT_S = 2.0

    @classmethod
    def setUpClass(cls):
        cls.shopd = Shopd("slowloris", {"SHOPD_HTTP_HEADER_TIMEOUT_MS": str(int(cls.HEADER_TIMEOUT_S * 1000))})

    @classmethod
    def tearDownClass(cls):
        cls.shopd.stop()

    def test_slow_header_is_dropped_while_others_are_served(self):
        stop = threading.Event()
        healthy = {"ok": 0, "errors": []}

        def other_clients():
            while not stop.is_set():
                try:
                    status, _, _ = self.shopd.http("GET", "/livez", timeout=3)
                    if status == 200:
                        healthy["ok"] += 1
                    else:
                        healthy["errors"].append(f"status {status}")
                except OSError as e:
                    healthy["errors"].append(repr(e))
                time.sleep(0.05)

        payload = b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 64
        sock = socket.create_connection(("127.0.0.1", self.shopd.port), timeout=10)
        started = time.monotonic()
        dropped_at = []

        def trickle():
            for byte in payload:
                try:
                    sock.sendall(bytes([byte]))
                except OSError:
                    return
                if dropped_at:
                    return
                time.sleep(1.0)

        checker = threading.Thread(target=other_clients)
        sender = threading.Thread(target=trickle)
        checker.start()
        sender.start()
        try:
            data = sock.recv(4096)  # blocks until the server closes (or answers)
            dropped_at.append(time.monotonic() - started)
        except (ConnectionResetError, socket.timeout) as e:
            dropped_at.append(time.monotonic() - started)
            data = repr(e).encode()
        finally:
            stop.set()
            sender.join()
            checker.join()
            sock.close()

        elapsed = dropped_at[0]
        self.assertEqual(data, b"", f"expected a silent close, got {data!r}")
        self.assertGreaterEqual(elapsed, self.HEADER_TIMEOUT_S - 0.5)
        self.assertLessEqual(elapsed, self.HEADER_TIMEOUT_S + 2.0)
        self.assertEqual(healthy["errors"], [])
        self.assertGreaterEqual(healthy["ok"], 10, "other clients were not served during the slow header")


class GracefulShutdownTest(unittest.TestCase):
    """SIGTERM under load: in-flight requests finish, nothing is cut short, exit 0."""

    LOAD_THREADS = 16
    SLEEPERS = 4
    SLEEP_MS = 1500
    DRAIN_TIMEOUT_S = 25.0

    def test_sigterm_drains_in_flight_requests(self):
        shopd = Shopd("shutdown")
        sigterm_sent = threading.Event()
        lock = threading.Lock()
        failures = []
        counts = {"ok": 0, "closed_unanswered": 0, "refused": 0}

        def note_failure(message):
            with lock:
                failures.append(message)

        def keep_alive_load(index):
            conn = None
            while True:
                try:
                    if conn is None:
                        conn = RawConnection(shopd.port, timeout=10)
                    conn.send(b"GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    response = conn.read_response()
                except Closed as e:
                    conn.close()
                    conn = None
                    if e.received:
                        note_failure(f"load {index}: truncated response {e.received[:80]!r}")
                        return
                    if not sigterm_sent.is_set():
                        note_failure(f"load {index}: connection closed before SIGTERM")
                        return
                    with lock:
                        counts["closed_unanswered"] += 1
                    continue  # sent just as the drain closed this idle connection; reconnect
                except (ConnectionRefusedError, ConnectionResetError, BrokenPipeError) as e:
                    if conn is not None:
                        conn.close()
                        conn = None
                    if sigterm_sent.is_set():
                        with lock:
                            counts["refused"] += 1
                        return  # no longer accepting: done
                    note_failure(f"load {index}: {e!r} before SIGTERM")
                    return
                except OSError as e:
                    note_failure(f"load {index}: {e!r}")
                    return
                if response.status != 200:
                    note_failure(f"load {index}: status {response.status}")
                    return
                with lock:
                    counts["ok"] += 1
                if response.headers.get("connection", "").lower() == "close":
                    conn.close()
                    conn = None

        sleep_results = [None] * self.SLEEPERS

        def sleeper(index):
            try:
                conn = RawConnection(shopd.port, timeout=30)
                try:
                    conn.send(f"GET /debug/sleep?ms={self.SLEEP_MS} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
                    sleep_results[index] = conn.read_response()
                finally:
                    conn.close()
            except Closed as e:
                sleep_results[index] = f"closed after {len(e.received)} bytes"
            except OSError as e:
                sleep_results[index] = repr(e)

        try:
            probe, _, _ = shopd.http("GET", "/debug/sleep?ms=1")
            self.assertEqual(probe, 200, "GET /debug/sleep is missing (debug.routes must register it)")

            load = [threading.Thread(target=keep_alive_load, args=(i,)) for i in range(self.LOAD_THREADS)]
            sleepers = [threading.Thread(target=sleeper, args=(i,)) for i in range(self.SLEEPERS)]
            for t in load + sleepers:
                t.start()
            time.sleep(0.5)  # the sleeps are now in flight on the blocking pool
            sigterm_at = time.monotonic()
            sigterm_sent.set()
            shopd.proc.send_signal(signal.SIGTERM)

            for t in sleepers:
                t.join(timeout=self.DRAIN_TIMEOUT_S)
            for t in load:
                t.join(timeout=self.DRAIN_TIMEOUT_S)
            try:
                code = shopd.proc.wait(timeout=self.DRAIN_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                code = None
            exited_after = time.monotonic() - sigterm_at
        finally:
            shopd.stop()

        for i, result in enumerate(sleep_results):
            self.assertIsInstance(result, RawResponse, f"sleep request {i}: {result}")
            self.assertEqual(result.status, 200, f"sleep request {i}")
            json.loads(result.body)
        self.assertEqual(failures, [])
        self.assertGreater(counts["ok"], 0)
        self.assertEqual(code, 0, f"shopd exit code {code} ({exited_after:.1f}s after SIGTERM)\n"
                                  f"{shopd.log_tail()}")
        self.assertLess(exited_after, self.DRAIN_TIMEOUT_S)
        print(f"\n    drain: {counts['ok']} load responses, {counts['closed_unanswered']} requests met a closing idle connection, "
              f"{counts['refused']} refused after SIGTERM, exit 0 after {exited_after:.2f}s", file=sys.stderr)


def main():
    global BINARY, SOURCE_DIR
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--binary", required=True, help="path to the shopd binary")
    parser.add_argument("--source-dir", required=True, help="repository root (config/, web/)")
    args, rest = parser.parse_known_args()
    BINARY = os.path.abspath(args.binary)
    SOURCE_DIR = os.path.abspath(args.source_dir)
    if not os.access(BINARY, os.X_OK):
        print(f"e2e_http: {BINARY} is not an executable", file=sys.stderr)
        return 2

    try:
        program = unittest.main(argv=[sys.argv[0]] + rest, exit=False, verbosity=2)
        result = program.result
        failed = len(result.failures) + len(result.errors)
        if failed:
            for instance in INSTANCES:
                print(f"\n--- shopd ({instance.name}) log tail ---\n{instance.log_tail()}", file=sys.stderr)
    finally:
        for instance in INSTANCES:
            instance.stop()
            instance.cleanup()
    passed = result.testsRun - failed - len(result.skipped)
    print(f"\ne2e_http summary: {result.testsRun} run, {passed} passed, {failed} failed, "
          f"{len(result.skipped)} skipped", file=sys.stderr)
    return 1 if failed or result.testsRun == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
