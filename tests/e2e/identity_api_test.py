#!/usr/bin/env python3
"""End-to-end checks of identity (accounts, sessions, tokens, CSRF, access,
throttling) against the real binary on a free loopback port.

    identity_api_test.py --binary shopd --source-dir . --backend sqlite|postgres|redis

sqlite:   SQLite file in a temp data directory, embedded key-value store.
postgres: a fresh database created on SHOPD_TEST_POSTGRES_URL.
redis:    SQLite, with sessions, tokens and throttles in SHOPD_TEST_REDIS_URL.
Without the server variable the run is skipped (exit 77) unless
SHOPD_TEST_REQUIRE_SERVERS=1, which makes it fail.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shopd_harness import Backend, Client, ProblemAssertions, Server as HarnessServer  # noqa: E402

ARGS = None
SERVER = None  # the main shopd under test
ADMIN_EMAIL = "root-admin@example.com"
ADMIN_PASSWORD = "admin-" + secrets.token_urlsafe(12)
RUN = secrets.token_hex(4)  # keeps e-mails unique when a shared Redis outlives a run


def unique_email(tag: str) -> str:
    return f"{tag}-{RUN}-{secrets.token_hex(3)}@example.com"


class Server(HarnessServer):
    """The harness server plus the dev mail channel's files."""

    def __init__(self, name, extra_env=None):
        super().__init__(ARGS, f"identity-{name}", extra_env)

    def mails_to(self, address, contains, timeout=15):
        """Bodies of .eml files addressed to `address` that contain `contains`, waiting for one."""
        mail_dir = os.path.join(self.data_dir, "mail")
        deadline = time.time() + timeout
        while time.time() < deadline:
            found = []
            if os.path.isdir(mail_dir):
                for name in sorted(os.listdir(mail_dir)):
                    if not name.endswith(".eml"):
                        continue
                    with open(os.path.join(mail_dir, name), encoding="utf-8") as f:
                        text = f.read()
                    if re.search(rf"^To: .*{re.escape(address)}", text, re.M | re.I) and contains in text:
                        found.append(text)
            if found:
                return found
            time.sleep(0.1)
        raise AssertionError(f"no mail to {address} containing {contains!r} in {mail_dir}")


# --- helpers ---------------------------------------------------------------


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(header, payload, key=b""):
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(payload).encode())
    if header.get("alg") == "none":
        return signing_input + "."
    sig = hmac.new(key, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(sig)


def register(client, email=None, password="correct horse battery", name="Test User", **extra):
    email = unique_email("user") if email is None else email
    body = {"email": email, "password": password, "name": name}
    body.update(extra)
    reply = client.request("POST", "/api/v1/auth/register", json_body=body)
    return email, reply


def login_token(email, password):
    reply = Client(SERVER).request("POST", "/api/v1/auth/login",
                                   json_body={"email": email, "password": password, "token": True})
    assert reply.status == 200, (reply.status, reply.text)
    return reply.json()["token"]


def new_customer(tag="cust", password="correct horse battery"):
    client = Client(SERVER)
    email, reply = register(client, unique_email(tag), password)
    assert reply.status == 201, (reply.status, reply.text)
    return client, email, reply.json()


ADDRESS = {"name": "Ana Example", "line1": "Main Street 1", "city": "Berlin", "postal_code": "10115",
           "country": "DE"}


class IdentityTestCase(ProblemAssertions):
    def me(self, client, **kw):
        return client.request("GET", "/api/v1/me", **kw)


# --- registration and input validation --------------------------------------


class RegistrationTest(IdentityTestCase):
    def test_register_returns_user_and_session(self):
        client = Client(SERVER)
        email, reply = register(client, unique_email("Reg").upper().replace("EXAMPLE.COM", "Example.Com"))
        self.assertEqual(reply.status, 201, reply.text)
        user = reply.json()
        self.assertEqual(set(user), {"id", "email", "name", "role", "email_verified", "created_at"})
        self.assertEqual(user["email"], email.lower())
        self.assertEqual(user["role"], "customer")
        self.assertFalse(user["email_verified"])
        cookie = reply.header("Set-Cookie")
        self.assertIn("shopd_session=", cookie)
        self.assertIn("HttpOnly", cookie)
        self.assertIn("SameSite=Lax", cookie)
        self.assertIn("Path=/", cookie)
        me = self.me(client)
        self.assertEqual(me.status, 200, me.text)
        self.assertEqual(me.json()["id"], user["id"])

    def test_duplicate_email_is_409(self):
        client = Client(SERVER)
        email, first = register(client)
        self.assertEqual(first.status, 201)
        _, again = register(Client(SERVER), email.upper())
        self.assertProblem(again, 409)

    def test_role_on_register_is_ignored(self):
        _, reply = register(Client(SERVER), role="admin")
        self.assertEqual(reply.status, 201, reply.text)
        self.assertEqual(reply.json()["role"], "customer")

    def test_malformed_emails_are_400(self):
        for bad in ["not-an-email", "a@b", "a@@b.com", "", "   ", "a b@example.com", "ana@exa mple.com",
                    "x" * 300 + "@example.com", "ana@ex\u0131mple.com"]:
            with self.subTest(email=bad):
                _, reply = register(Client(SERVER), bad)
                body = self.assertProblem(reply, 400)
                self.assertTrue(body.get("errors"), body)

    def test_short_password_is_400(self):
        _, reply = register(Client(SERVER), password="short")
        self.assertProblem(reply, 400)

    def test_megabyte_password_is_400_fast(self):
        huge = "p" * 1_000_000
        for path, body in [("/api/v1/auth/register", {"email": unique_email("huge"), "password": huge, "name": "H"}),
                           ("/api/v1/auth/login", {"email": unique_email("huge"), "password": huge})]:
            with self.subTest(path=path):
                started = time.monotonic()
                reply = Client(SERVER).request("POST", path, json_body=body)
                elapsed = time.monotonic() - started
                problem = self.assertProblem(reply, 400 if path.endswith("register") else reply.status)
                if path.endswith("register"):
                    self.assertIn("password", [e["field"] for e in problem["errors"]])
                else:
                    self.assertEqual(reply.status, 400)
                self.assertLess(elapsed, 2.0, "a huge password must be refused before hashing")

    def test_wrong_json_types_and_bad_bodies_are_400(self):
        cases = [
            {"email": 123, "password": "correct horse battery", "name": "x"},
            {"email": unique_email("t"), "password": ["a"], "name": "x"},
            {"email": unique_email("t"), "password": "correct horse battery", "name": {"a": 1}},
            {"email": unique_email("t"), "password": None, "name": "x"},
            {"email": unique_email("t"), "password": "correct horse battery", "name": "x", "extra": 1},
        ]
        for body in cases:
            with self.subTest(body=str(body)[:60]):
                reply = Client(SERVER).request("POST", "/api/v1/auth/register", json_body=body)
                problem = self.assertProblem(reply, 400)
                self.assertTrue(problem["errors"])
        for raw in ["{", "[1,2]", "\"x\"", "", "{\"email\": \"a\"" + "}" * 2, "[" * 100 + "]" * 100]:
            with self.subTest(raw=raw[:20]):
                reply = Client(SERVER).request("POST", "/api/v1/auth/register", raw=raw)
                self.assertProblem(reply, 400)
        reply = Client(SERVER).request("POST", "/api/v1/auth/register", raw="email=a", content_type="text/plain")
        self.assertProblem(reply, 400)
        # A repeated key is refused rather than letting one reader take the first and another the last.
        dup_email = unique_email("dup")
        reply = Client(SERVER).request("POST", "/api/v1/auth/register", raw=(
            '{"email": "%s", "password": "correct horse battery", "name": "a", "name": "b"}' % dup_email))
        problem = self.assertProblem(reply, 400)
        self.assertEqual([e["field"] for e in problem["errors"]], ["name"])
        self.assertProblem(Client(SERVER).request("POST", "/api/v1/auth/login", json_body={
            "email": dup_email, "password": "correct horse battery"}), 401)
        # Nothing was created by any of them.
        reply = Client(SERVER).request("POST", "/api/v1/auth/login",
                                       json_body={"email": cases[1]["email"], "password": "correct horse battery"})
        self.assertProblem(reply, 401)


# --- login, sessions, tokens --------------------------------------------------


class SessionTest(IdentityTestCase):
    def test_login_with_cookie_and_logout(self):
        _, email, _ = new_customer("login")
        client = Client(SERVER)
        reply = client.request("POST", "/api/v1/auth/login",
                               json_body={"email": email, "password": "correct horse battery"})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["email"], email)
        self.assertEqual(self.me(client).status, 200)
        session = client.session
        out = client.request("POST", "/api/v1/auth/logout", headers=client.same_origin())
        self.assertEqual(out.status, 204, out.text)
        self.assertIsNone(client.session, "logout clears the cookie")
        # Replaying the logged-out session id is anonymous.
        client.cookies["shopd_session"] = session
        self.assertProblem(self.me(client), 401)

    def test_session_fixation_login_rotates_the_session(self):
        client, email, _ = new_customer("fixation")
        before = client.session
        self.assertTrue(before)
        reply = client.request("POST", "/api/v1/auth/login", headers=client.same_origin(),
                               json_body={"email": email, "password": "correct horse battery"})
        self.assertEqual(reply.status, 200, reply.text)
        after = client.session
        self.assertTrue(after)
        self.assertNotEqual(before, after)
        old = Client(SERVER)
        old.cookies["shopd_session"] = before
        self.assertProblem(self.me(old), 401)
        self.assertEqual(self.me(client).status, 200)

        # A session id planted by an attacker is never adopted.
        planted = Client(SERVER)
        planted.cookies["shopd_session"] = "attacker-chosen-" + secrets.token_urlsafe(16)
        reply = planted.request("POST", "/api/v1/auth/login",
                                json_body={"email": email, "password": "correct horse battery"})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertNotIn("attacker-chosen", planted.session)

    def test_unknown_email_and_wrong_password_answer_identically(self):
        _, email, _ = new_customer("same")
        wrong = Client(SERVER).request("POST", "/api/v1/auth/login",
                                       json_body={"email": email, "password": "wrong password!"})
        unknown = Client(SERVER).request("POST", "/api/v1/auth/login",
                                         json_body={"email": unique_email("nobody"), "password": "wrong password!"})
        self.assertProblem(wrong, 401)
        self.assertEqual(wrong.status, unknown.status)
        self.assertEqual(wrong.body, unknown.body)
        self.assertEqual(wrong.header("Content-Type"), unknown.header("Content-Type"))

    def test_bearer_token_and_revocation(self):
        _, email, user = new_customer("token")
        token = login_token(email, "correct horse battery")
        client = Client(SERVER)
        me = self.me(client, bearer=token)
        self.assertEqual(me.status, 200, me.text)
        self.assertEqual(me.json()["id"], user["id"])
        # Bearer requests need no CSRF proof.
        patch = client.request("PATCH", "/api/v1/me", json_body={"name": "Token Name"}, bearer=token)
        self.assertEqual(patch.status, 200, patch.text)
        out = client.request("POST", "/api/v1/auth/logout", bearer=token)
        self.assertEqual(out.status, 204)
        self.assertProblem(self.me(client, bearer=token), 401)

    def test_forged_tokens_are_401(self):
        _, email, user = new_customer("forge")
        now = int(time.time())
        claims = {"sub": user["id"], "role": "admin", "aud": "shopd", "iat": now, "exp": now + 3600}
        forged = {
            "garbage": "garbage",
            "empty-ish": "x",
            "alg-none": jwt({"alg": "none", "typ": "JWT"}, claims),
            "hs256-wrong-key": jwt({"alg": "HS256", "typ": "JWT"}, claims, b"not-the-key"),
            "expired": jwt({"alg": "HS256", "typ": "JWT"}, dict(claims, exp=now - 60), b"secret"),
            "wrong-aud": jwt({"alg": "HS256", "typ": "JWT"}, dict(claims, aud="someone-else"), b"secret"),
            "long": "A" * 5000,
        }
        for kind, token in forged.items():
            with self.subTest(kind=kind):
                reply = self.me(Client(SERVER), bearer=token)
                self.assertProblem(reply, 401)
                reply = Client(SERVER).request("GET", "/api/v1/admin/customers", bearer=token)
                self.assertProblem(reply, 401)
        reply = Client(SERVER).request("GET", "/api/v1/me", headers={"Authorization": "Basic YTpi"})
        self.assertProblem(reply, 401)

    def test_anonymous_me_is_401(self):
        self.assertProblem(self.me(Client(SERVER)), 401)

    def test_password_change_rotates_session(self):
        client, email, _ = new_customer("pwchange")
        before = client.session
        bad = client.request("POST", "/api/v1/me/password", headers=client.same_origin(),
                             json_body={"current_password": "nope nope nope", "new_password": "another good one"})
        self.assertProblem(bad, 401)
        ok = client.request("POST", "/api/v1/me/password", headers=client.same_origin(),
                            json_body={"current_password": "correct horse battery",
                                       "new_password": "another good one"})
        self.assertEqual(ok.status, 204, ok.text)
        self.assertNotEqual(before, client.session)
        self.assertEqual(self.me(client).status, 200)
        old = Client(SERVER)
        old.cookies["shopd_session"] = before
        self.assertProblem(self.me(old), 401)
        self.assertEqual(Client(SERVER).request("POST", "/api/v1/auth/login", json_body={
            "email": email, "password": "another good one"}).status, 200)

    def test_password_change_ends_the_accounts_other_sessions_and_tokens(self):
        client, email, _ = new_customer("pwother")
        laptop = Client(SERVER)
        self.assertEqual(laptop.request("POST", "/api/v1/auth/login", json_body={
            "email": email, "password": "correct horse battery"}).status, 200)
        token = login_token(email, "correct horse battery")
        self.assertEqual(self.me(laptop).status, 200)
        self.assertEqual(self.me(Client(SERVER), bearer=token).status, 200)
        ok = client.request("POST", "/api/v1/me/password", headers=client.same_origin(),
                            json_body={"current_password": "correct horse battery",
                                       "new_password": "another good one"})
        self.assertEqual(ok.status, 204, ok.text)
        self.assertEqual(self.me(client).status, 200)  # this browser continues on its new session
        self.assertProblem(self.me(laptop), 401)
        self.assertProblem(self.me(Client(SERVER), bearer=token), 401)
        # Sessions made after the change work as usual.
        fresh = Client(SERVER)
        self.assertEqual(fresh.request("POST", "/api/v1/auth/login", json_body={
            "email": email, "password": "another good one"}).status, 200)
        self.assertEqual(self.me(fresh).status, 200)


# --- CSRF ----------------------------------------------------------------------


class CsrfTest(IdentityTestCase):
    def test_cross_site_cookie_requests_are_refused_and_change_nothing(self):
        client, _, user = new_customer("csrf")
        for headers in [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                        {"Origin": "null"}, {}, {"X-CSRF-Token": "wrong"}]:
            with self.subTest(headers=headers):
                reply = client.request("PATCH", "/api/v1/me", json_body={"name": "Hacked"}, headers=headers)
                self.assertProblem(reply, 403)
                reply = client.request("POST", "/api/v1/me/addresses", json_body=ADDRESS, headers=headers)
                self.assertProblem(reply, 403)
        self.assertEqual(self.me(client).json()["name"], user["name"])
        self.assertEqual(client.request("GET", "/api/v1/me/addresses").json()["items"], [])
        # The HTML form path answers with a page.
        reply = client.request("POST", "/account/profile", form={"name": "Hacked", "email": user["email"]},
                               headers={"Origin": "https://evil.example"})
        self.assertEqual(reply.status, 403)
        self.assertIn("text/html", reply.header("Content-Type"))
        self.assertEqual(self.me(client).json()["name"], user["name"])
        # Logout is state-changing too.
        reply = client.request("POST", "/api/v1/auth/logout", headers={"Sec-Fetch-Site": "cross-site"})
        self.assertProblem(reply, 403)
        self.assertEqual(self.me(client).status, 200)

    def test_same_origin_or_token_is_accepted(self):
        client, email, _ = new_customer("csrfok")
        reply = client.request("PATCH", "/api/v1/me", json_body={"name": "Via Origin"}, headers=client.same_origin())
        self.assertEqual(reply.status, 200, reply.text)
        reply = client.request("PATCH", "/api/v1/me", json_body={"name": "Via Fetch"},
                               headers={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual(reply.status, 200, reply.text)
        login = client.request("POST", "/api/v1/auth/login", headers=client.same_origin(),
                               json_body={"email": email, "password": "correct horse battery"})
        csrf = login.header("X-CSRF-Token")
        self.assertTrue(csrf)
        reply = client.request("PATCH", "/api/v1/me", json_body={"name": "Via Token"}, headers={"X-CSRF-Token": csrf})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(self.me(client).json()["name"], "Via Token")

    def test_cross_site_login_form_is_refused(self):
        _, email, _ = new_customer("logincsrf")
        client = Client(SERVER)
        reply = client.request("POST", "/signin", form={"email": email, "password": "correct horse battery"},
                               headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
        self.assertEqual(reply.status, 403)
        self.assertIsNone(client.session)
        reply = client.request("POST", "/api/v1/auth/register", json_body={
            "email": unique_email("x"), "password": "correct horse battery", "name": "X"},
            headers={"Origin": "https://evil.example"})
        self.assertProblem(reply, 403)


# --- profile and addresses -------------------------------------------------------


class ProfileTest(IdentityTestCase):
    def test_patch_me_and_role_refused(self):
        client, email, user = new_customer("profile")
        h = client.same_origin()
        reply = client.request("PATCH", "/api/v1/me", json_body={"name": "New Name"}, headers=h)
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["name"], "New Name")
        for body in [{"role": "admin"}, {"name": "Role Too", "role": "staff"}, {"name": 5}, {"email": "bad"},
                     {"unknown": 1}]:
            with self.subTest(body=body):
                self.assertProblem(client.request("PATCH", "/api/v1/me", json_body=body, headers=h), 400)
        me = self.me(client).json()
        self.assertEqual(me["role"], "customer")
        self.assertEqual(me["name"], "New Name")
        new_email = unique_email("moved")
        reply = client.request("PATCH", "/api/v1/me", json_body={"email": new_email}, headers=h)
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["email"], new_email)
        _, other_email, _ = new_customer("taken")
        self.assertProblem(client.request("PATCH", "/api/v1/me", json_body={"email": other_email}, headers=h), 409)

    def test_address_book_and_other_customers_ids(self):
        alice, _, _ = new_customer("alice")
        bob, _, _ = new_customer("bob")
        ha, hb = alice.same_origin(), bob.same_origin()
        created = alice.request("POST", "/api/v1/me/addresses", json_body=ADDRESS, headers=ha)
        self.assertEqual(created.status, 201, created.text)
        address = created.json()
        self.assertEqual(address["city"], "Berlin")
        listed = alice.request("GET", "/api/v1/me/addresses").json()["items"]
        self.assertEqual([a["id"] for a in listed], [address["id"]])
        path = f"/api/v1/me/addresses/{address['id']}"
        self.assertEqual(alice.request("GET", path).status, 200)
        # Bob sees Alice's address as missing, and cannot change or delete it.
        self.assertProblem(bob.request("GET", path), 404)
        self.assertProblem(bob.request("PATCH", path, json_body={"city": "Paris"}, headers=hb), 404)
        self.assertProblem(bob.request("DELETE", path, headers=hb), 404)
        self.assertProblem(bob.request("GET", "/api/v1/me/addresses/00000000-0000-7000-8000-000000000000"), 404)
        self.assertEqual(alice.request("GET", path).json()["city"], "Berlin")
        # Bad input changes nothing.
        self.assertProblem(alice.request("PATCH", path, json_body={"country": "Germany"}, headers=ha), 400)
        self.assertProblem(alice.request("PATCH", path, json_body={"city": 5}, headers=ha), 400)
        self.assertProblem(alice.request("POST", "/api/v1/me/addresses", json_body={"name": "x"}, headers=ha), 400)
        self.assertEqual(alice.request("GET", path).json()["country"], "DE")
        patched = alice.request("PATCH", path, json_body={"city": "Hamburg"}, headers=ha)
        self.assertEqual(patched.status, 200, patched.text)
        self.assertEqual(patched.json()["city"], "Hamburg")
        self.assertEqual(patched.json()["line1"], "Main Street 1")
        self.assertEqual(alice.request("DELETE", path, headers=ha).status, 204)
        self.assertProblem(alice.request("GET", path), 404)


# --- password reset and verification -----------------------------------------------


class MailFlowTest(IdentityTestCase):
    def test_password_reset_end_to_end(self):
        _, email, _ = new_customer("reset")
        reply = Client(SERVER).request("POST", "/api/v1/auth/password-reset", json_body={"email": email})
        self.assertEqual(reply.status, 202, reply.text)
        unknown = Client(SERVER).request("POST", "/api/v1/auth/password-reset",
                                         json_body={"email": unique_email("ghost")})
        self.assertEqual(unknown.status, 202)
        self.assertEqual(unknown.body, reply.body)
        signed_in = Client(SERVER)
        self.assertEqual(signed_in.request("POST", "/api/v1/auth/login", json_body={
            "email": email, "password": "correct horse battery"}).status, 200)
        mails = SERVER.mails_to(email, "/reset-password?token=")
        token = re.search(r"/reset-password\?token=([A-Za-z0-9_\-]+)", mails[-1]).group(1)
        self.assertProblem(Client(SERVER).request("POST", "/api/v1/auth/password-reset/confirm",
                                                  json_body={"token": "not-a-token", "new_password": "brand new pass"}),
                           401)
        done = Client(SERVER).request("POST", "/api/v1/auth/password-reset/confirm",
                                      json_body={"token": token, "new_password": "brand new pass"})
        self.assertEqual(done.status, 204, done.text)
        again = Client(SERVER).request("POST", "/api/v1/auth/password-reset/confirm",
                                       json_body={"token": token, "new_password": "brand new pass 2"})
        self.assertProblem(again, 401)
        old = Client(SERVER).request("POST", "/api/v1/auth/login",
                                     json_body={"email": email, "password": "correct horse battery"})
        self.assertProblem(old, 401)
        new = Client(SERVER).request("POST", "/api/v1/auth/login",
                                     json_body={"email": email, "password": "brand new pass"})
        self.assertEqual(new.status, 200, new.text)
        # The session from before the reset ended with it.
        self.assertProblem(self.me(signed_in), 401)

    def test_email_verification(self):
        client, email, user = new_customer("verify")
        self.assertFalse(user["email_verified"])
        mails = SERVER.mails_to(email, "/verify-email?token=")
        token = re.search(r"/verify-email\?token=([A-Za-z0-9_\-]+)", mails[-1]).group(1)
        self.assertProblem(Client(SERVER).request("POST", "/api/v1/auth/verify-email", json_body={"token": "nope"}),
                           401)
        reply = Client(SERVER).request("POST", "/api/v1/auth/verify-email", json_body={"token": token})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertTrue(reply.json()["email_verified"])
        self.assertTrue(self.me(client).json()["email_verified"])

    def test_reset_requests_are_throttled_per_account(self):
        email = unique_email("resetflood")
        statuses = [Client(SERVER).request("POST", "/api/v1/auth/password-reset", json_body={"email": email})
                    for _ in range(5)]
        self.assertEqual([r.status for r in statuses[:3]], [202, 202, 202])
        self.assertProblem(statuses[4], 429)
        self.assertGreater(int(statuses[4].header("Retry-After")), 0)


# --- throttling -------------------------------------------------------------------


class ThrottleTest(IdentityTestCase):
    def test_account_throttle_before_password_check(self):
        _, email, _ = new_customer("throttle")
        for _ in range(5):
            reply = Client(SERVER).request("POST", "/api/v1/auth/login",
                                           json_body={"email": email, "password": "wrong password!"})
            self.assertProblem(reply, 401)
        reply = Client(SERVER).request("POST", "/api/v1/auth/login",
                                       json_body={"email": email, "password": "correct horse battery"})
        self.assertProblem(reply, 429)
        retry = int(reply.header("Retry-After"))
        self.assertGreater(retry, 0)
        self.assertLessEqual(retry, 900)
        # The same account under another spelling is the same account.
        reply = Client(SERVER).request("POST", "/api/v1/auth/login",
                                       json_body={"email": "  " + email.upper(), "password": "correct horse battery"})
        self.assertProblem(reply, 429)
        # Other accounts are unaffected.
        _, other, _ = new_customer("unaffected")
        ok = Client(SERVER).request("POST", "/api/v1/auth/login",
                                    json_body={"email": other, "password": "correct horse battery"})
        self.assertEqual(ok.status, 200)


class IpThrottleTest(IdentityTestCase):
    """A second shopd with small per-address limits (always the embedded store)."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server("ip-throttle", {
            "SHOPD_IDENTITY_LOGIN_MAX_PER_IP": "4",
            "SHOPD_IDENTITY_REGISTER_MAX_PER_IP": "2",
            **({"SHOPD_DATABASE_URL": SERVER.env["SHOPD_DATABASE_URL"]} if "SHOPD_DATABASE_URL" in SERVER.env
               else {}),
        })
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.cleanup()

    def test_register_and_login_per_address(self):
        statuses = []
        for i in range(3):
            reply = Client(self.server).request("POST", "/api/v1/auth/register", json_body={
                "email": unique_email(f"ip{i}"), "password": "correct horse battery", "name": "Ip"})
            statuses.append(reply.status)
        self.assertEqual(statuses[:2], [201, 201])
        self.assertProblem(reply, 429)
        self.assertGreater(int(reply.header("Retry-After")), 0)
        replies = [Client(self.server).request("POST", "/api/v1/auth/login", json_body={
            "email": unique_email(f"ipl{i}"), "password": "whatever whatever"}) for i in range(5)]
        self.assertEqual([r.status for r in replies[:4]], [401] * 4)
        self.assertProblem(replies[4], 429)
        self.assertGreater(int(replies[4].header("Retry-After")), 0)


# --- access control ------------------------------------------------------------------


class AccessTest(IdentityTestCase):
    def test_admin_pages_and_roles(self):
        anon = Client(SERVER).request("GET", "/admin")
        self.assertEqual(anon.status, 303)
        self.assertEqual(anon.header("Location"), "/signin?next=/admin")
        self.assertProblem(Client(SERVER).request("GET", "/api/v1/admin/customers"), 401)

        customer, email, user = new_customer("tobestaff")
        self.assertEqual(customer.request("GET", "/admin").status, 403)
        self.assertIn("text/html", customer.request("GET", "/admin").header("Content-Type"))
        self.assertProblem(customer.request("GET", "/api/v1/admin/customers"), 403)

        admin_token = login_token(ADMIN_EMAIL, ADMIN_PASSWORD)
        admin = Client(SERVER)
        listed = admin.request("GET", "/api/v1/admin/customers?q=" + urllib.parse.quote(email), bearer=admin_token)
        self.assertEqual(listed.status, 200, listed.text)
        self.assertEqual([u["id"] for u in listed.json()["items"]], [user["id"]])
        self.assertProblem(admin.request("GET", "/api/v1/admin/customers?limit=0", bearer=admin_token), 400)
        self.assertProblem(admin.request("PUT", f"/api/v1/admin/customers/{user['id']}/role",
                                         json_body={"role": "admin"}, bearer=admin_token), 400)
        self.assertProblem(admin.request("PUT", f"/api/v1/admin/customers/{user['id']}/role",
                                         json_body={"role": 1}, bearer=admin_token), 400)
        # A customer cannot grant roles, not even to themself.
        self.assertProblem(customer.request("PUT", f"/api/v1/admin/customers/{user['id']}/role",
                                            json_body={"role": "staff"}, headers=customer.same_origin()), 403)
        granted = admin.request("PUT", f"/api/v1/admin/customers/{user['id']}/role", json_body={"role": "staff"},
                                bearer=admin_token)
        self.assertEqual(granted.status, 200, granted.text)
        self.assertEqual(granted.json()["role"], "staff")
        # The role change applies to the existing session at once.
        self.assertEqual(customer.request("GET", "/admin").status, 200)
        self.assertEqual(customer.request("GET", "/admin/customers").status, 200)
        self.assertEqual(customer.request("GET", "/api/v1/admin/customers").status, 200)
        # Staff are not admins.
        self.assertProblem(customer.request("PUT", f"/api/v1/admin/customers/{user['id']}/role",
                                            json_body={"role": "customer"}, headers=customer.same_origin()), 403)
        revoked = admin.request("PUT", f"/api/v1/admin/customers/{user['id']}/role",
                                json_body={"role": "customer"}, bearer=admin_token)
        self.assertEqual(revoked.status, 200, revoked.text)
        self.assertEqual(customer.request("GET", "/admin").status, 403)
        self.assertProblem(admin.request("PUT", "/api/v1/admin/customers/00000000-0000-7000-8000-000000000000/role",
                                         json_body={"role": "staff"}, bearer=admin_token), 404)

    def test_account_page_requires_sign_in(self):
        reply = Client(SERVER).request("GET", "/account")
        self.assertEqual(reply.status, 303)
        self.assertEqual(reply.header("Location"), "/signin?next=/account")
        client, _, _ = new_customer("page")
        page = client.request("GET", "/account")
        self.assertEqual(page.status, 200)
        self.assertIn("Sign out", page.text)


# --- pages (forms without JavaScript) -------------------------------------------------


class PagesTest(IdentityTestCase):
    def test_signup_signin_signout_forms(self):
        client = Client(SERVER)
        page = client.request("GET", "/signup")
        self.assertEqual(page.status, 200)
        self.assertIn('name="_csrf"', page.text)
        email = unique_email("form")
        bad = client.request("POST", "/signup", form={"email": "nope", "password": "correct horse battery",
                                                      "name": "Form"}, headers={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual(bad.status, 400)
        self.assertIn("field-error", bad.text)
        done = client.request("POST", "/signup", form={"email": email, "password": "correct horse battery",
                                                       "name": "Form"}, headers={"Sec-Fetch-Site": "same-origin"})
        self.assertEqual(done.status, 303, done.text)
        self.assertEqual(done.header("Location"), "/account")
        account = client.request("GET", "/account")
        self.assertEqual(account.status, 200)
        # Every page's header shows the sign-in state, the home page included.
        home = client.request("GET", "/")
        self.assertIn("Sign out", home.text)
        self.assertNotIn('href="/signin"', home.text)
        self.assertEqual(home.header("Cache-Control"), "no-store")
        self.assertIn('href="/signin"', Client(SERVER).request("GET", "/").text)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', account.text).group(1)
        # A form post with the token and no Origin header is accepted.
        saved = client.request("POST", "/account/profile", form={"_csrf": csrf, "name": "Renamed", "email": email})
        self.assertEqual(saved.status, 303, saved.text)
        self.assertEqual(self.me(client).json()["name"], "Renamed")
        # ... and without it refused.
        refused = client.request("POST", "/account/profile", form={"name": "Nope", "email": email})
        self.assertEqual(refused.status, 403)
        out = client.request("POST", "/signout", form={"_csrf": csrf})
        self.assertEqual(out.status, 303)
        self.assertProblem(self.me(client), 401)
        wrong = client.request("POST", "/signin", form={"email": email, "password": "bad password"})
        self.assertEqual(wrong.status, 401)
        self.assertIn("incorrect", wrong.text)
        for nxt, expected in [("/account?x=1", "/account?x=1"), ("//evil.example/", "/account"),
                              ("https://evil.example/", "/account"), ("/\\evil.example", "/account")]:
            with self.subTest(next=nxt):
                c = Client(SERVER)
                ok = c.request("POST", "/signin", form={"email": email, "password": "correct horse battery",
                                                        "next": nxt})
                self.assertEqual(ok.status, 303, ok.text)
                self.assertEqual(ok.header("Location"), expected)


def main():
    global ARGS, SERVER
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "redis"], default="sqlite")
    ARGS, rest = parser.parse_known_args()

    with Backend(ARGS.backend, "identity") as backend:
        if backend.env is None:
            return backend.status
        SERVER = Server(ARGS.backend, backend.env)
        try:
            SERVER.create_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
            SERVER.start()
            suite = unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__])
            result = unittest.TextTestRunner(verbosity=2).run(suite)
            if not result.wasSuccessful():
                print("---- shopd output ----\n" + SERVER.output())
            return 0 if result.wasSuccessful() else 1
        finally:
            SERVER.cleanup()


if __name__ == "__main__":
    sys.exit(main())
