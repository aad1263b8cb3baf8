"""Shared end-to-end harness: start the real shopd on a free loopback port
against a chosen backend, talk HTTP to it with a cookie-keeping client, and
clean up. Every tests/e2e/*_test.py that drives the whole binary uses this.

    from shopd_harness import Backend, Client, Server, run_suite

    def main():
        args = parse_args()            # --binary --source-dir --backend
        return run_suite(args, sys.modules[__name__], setup=lambda server: ...)

Backends: sqlite (SQLite file + embedded key-value store), postgres (a fresh
database on SHOPD_TEST_POSTGRES_URL), redis (SQLite + SHOPD_TEST_REDIS_URL).
Without the server variable a run is skipped (exit 77) unless
SHOPD_TEST_REQUIRE_SERVERS=1, which makes it fail.
"""
import argparse
import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.parse

SKIP = 77


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Reply:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_named(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body)

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """A tiny HTTP client with its own cookie jar (no redirects followed)."""

    def __init__(self, server):
        self.server = server
        self.cookies = {}

    def request(self, method, path, json_body=None, form=None, headers=None, bearer=None, raw=None,
                content_type=None, timeout=30):
        hdrs = {}
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            hdrs["Content-Type"] = "application/json"
        elif form is not None:
            body = urllib.parse.urlencode(form).encode()
            hdrs["Content-Type"] = "application/x-www-form-urlencoded"
        elif raw is not None:
            body = raw if isinstance(raw, bytes) else raw.encode()
            hdrs["Content-Type"] = content_type or "application/json"
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if bearer is not None:
            hdrs["Authorization"] = f"Bearer {bearer}"
        hdrs.update(headers or {})
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=hdrs)
            resp = conn.getresponse()
            reply = Reply(resp.status, resp.getheaders(), resp.read())
        finally:
            conn.close()
        for value in reply.headers_named("Set-Cookie"):
            name, _, rest = value.partition("=")
            val = rest.split(";", 1)[0]
            if "Max-Age=0" in value or val == "":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = val
        return reply

    def same_origin(self):
        return {"Origin": self.server.base_url}

    @property
    def session(self):
        return self.cookies.get("shopd_session")


class Server:
    """One shopd process with its own temp data directory."""

    def __init__(self, args, name, extra_env=None):
        self.args = args
        self.dir = tempfile.mkdtemp(prefix=f"shopd-{name}-")
        self.data_dir = os.path.join(self.dir, "data")
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPD_")}
        env.update({
            "SHOPD_HTTP_PORT": str(self.port),
            "SHOPD_HTTP_HOST": "127.0.0.1",
            "SHOPD_DATA_DIR": self.data_dir,
            "SHOPD_SHOP_BASE_URL": self.base_url,
            "SHOPD_LOG_LEVEL": "warn",
            "SHOPD_IDENTITY_LOGIN_MAX_PER_IP": "100000",
            "SHOPD_IDENTITY_REGISTER_MAX_PER_IP": "100000",
            # Tests make the data they need; the dev profile's demo catalog
            # would only slow every start down.
            "SHOPD_CATALOG_SEED_ON_EMPTY": "false",
        })
        env.update(extra_env or {})
        self.env = env
        self.config = os.path.join(args.source_dir, "config", "dev.toml")
        self.log_path = os.path.join(self.dir, "shopd.log")
        self.proc = None
        self.log = None

    def cli(self, *args, timeout=300):
        return subprocess.run([self.args.binary, "--config", self.config, *args], env=self.env,
                              cwd=self.args.source_dir, capture_output=True, text=True, timeout=timeout)

    def start(self, timeout=60):
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([self.args.binary, "--config", self.config, "serve"], env=self.env,
                                     stdout=self.log, stderr=subprocess.STDOUT, cwd=self.args.source_dir)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"shopd exited early ({self.proc.returncode}):\n{self.output()}")
            try:
                if Client(self).request("GET", "/livez", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise AssertionError("shopd did not become live:\n" + self.output())

    def output(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-6000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.log:
            self.log.close()
            self.log = None

    def kill(self):
        """kill -9, for crash tests."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def create_admin(self, email, password):
        """`shopd create-admin`; returns nothing, raises on failure."""
        password_file = os.path.join(self.dir, f"pw-{secrets.token_hex(3)}")
        with open(password_file, "w") as f:
            f.write(password + "\n")
        created = self.cli("create-admin", "--email", email, "--password-file", password_file)
        if created.returncode != 0:
            raise AssertionError(f"create-admin failed ({created.returncode}):\n{created.stdout}\n{created.stderr}")

    def login_token(self, email, password):
        reply = Client(self).request("POST", "/api/v1/auth/login",
                                     json_body={"email": email, "password": password, "token": True})
        assert reply.status == 200, (reply.status, reply.text)
        return reply.json()["token"]


class ProblemAssertions(unittest.TestCase):
    """TestCase with assertProblem: status, problem+json content type, body.status."""

    def assertProblem(self, reply, status):
        self.assertEqual(reply.status, status, reply.text)
        self.assertEqual(reply.header("Content-Type"), "application/problem+json", reply.text)
        body = reply.json()
        self.assertEqual(body["status"], status)
        return body


def create_postgres_database(admin_url, prefix="shopd_e2e"):
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    subprocess.run(["psql", admin_url, "-v", "ON_ERROR_STOP=1", "-qc", f"CREATE DATABASE {name}"], check=True,
                   capture_output=True, text=True)
    parts = urllib.parse.urlsplit(admin_url)
    return name, urllib.parse.urlunsplit(parts._replace(path="/" + name))


def drop_postgres_database(admin_url, name):
    subprocess.run(["psql", admin_url, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                   capture_output=True, text=True)


def parse_args(backends=("sqlite", "postgres", "redis")):
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--backend", choices=list(backends), default="sqlite")
    args, _ = parser.parse_known_args()
    return args


class Backend:
    """The environment for one backend run, with a fresh PostgreSQL database
    when asked. Use as a context manager; `env` is None when the run must be
    skipped, and `status` is then the exit code to return."""

    def __init__(self, backend, suite_name):
        self.backend = backend
        self.suite_name = suite_name
        self.env = {}
        self.status = 0
        self._pg_admin = None
        self._pg_name = None

    def __enter__(self):
        if self.backend not in ("postgres", "redis"):
            return self
        var = "SHOPD_TEST_POSTGRES_URL" if self.backend == "postgres" else "SHOPD_TEST_REDIS_URL"
        if not os.environ.get(var):
            message = f"{var} is not set: the {self.backend} run of the {self.suite_name} tests needs that server"
            if os.environ.get("SHOPD_TEST_REQUIRE_SERVERS") == "1":
                print(f"FAIL: {message} (SHOPD_TEST_REQUIRE_SERVERS=1)")
                self.status = 1
            else:
                print(f"SKIPPED: {message} (scripts/test-servers.sh starts one)")
                self.status = SKIP
            self.env = None
            return self
        if self.backend == "postgres":
            self._pg_admin = os.environ[var]
            self._pg_name, url = create_postgres_database(self._pg_admin, f"shopd_{self.suite_name}")
            self.env["SHOPD_DATABASE_URL"] = url
        else:
            self.env["SHOPD_REDIS_URL"] = os.environ[var]
        return self

    def __exit__(self, *exc):
        if self._pg_name:
            drop_postgres_database(self._pg_admin, self._pg_name)
        return False


def run_suite(args, module, suite_name, setup=None, extra_env=None):
    """Starts one Server for `args.backend`, calls setup(server) before start
    (create admins, seed), runs every TestCase in `module` with
    module.SERVER set, prints the server's output on failure; returns the exit code."""
    import sys
    with Backend(args.backend, suite_name) as backend:
        if backend.env is None:
            return backend.status
        env = dict(backend.env)
        env.update(extra_env or {})
        server = Server(args, f"{suite_name}-{args.backend}", env)
        module.SERVER = server
        try:
            if setup:
                setup(server)
            server.start()
            suite = unittest.defaultTestLoader.loadTestsFromModule(module)
            result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
            if not result.wasSuccessful():
                print("---- shopd output ----\n" + server.output())
            return 0 if result.wasSuccessful() else 1
        finally:
            server.cleanup()
