#!/usr/bin/env python3
"""End-to-end checks of the payments HTTP API against the real binary on a
free loopback port: the provider webhook (signature missing, forged, stale,
tampered; a valid one accepted once per event id; a signed non-event
refused), the shopper's confirm and read routes on bad input and unknown
intents, and the staff routes (anonymous 401, customer 403, Idempotency-Key
required, replayed, refused for another body). Intents themselves are
created by orders; their life cycle is covered by the module's doctest
suite on SQLite and PostgreSQL.

    payments_api_test.py --binary shopd --source-dir . --backend sqlite|postgres
"""
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shopd_harness import Client, ProblemAssertions, parse_args, run_suite  # noqa: E402

SERVER = None
SECRET = "whsec_e2e_" + secrets.token_hex(8)
OLD_SECRET = "whsec_e2e_old_" + secrets.token_hex(8)
STAFF_EMAIL = "pay-admin@example.com"
STAFF_PASSWORD = "admin-" + secrets.token_urlsafe(12)
CUSTOMER_PASSWORD = "correct horse battery"
TOKENS = {}
UNKNOWN = "pi_0190a0b0-0000-7000-8000-000000000000"


def staff():
    if "staff" not in TOKENS:
        TOKENS["staff"] = SERVER.login_token(STAFF_EMAIL, STAFF_PASSWORD)
    return TOKENS["staff"]


def customer():
    if "customer" not in TOKENS:
        email = f"payer-{secrets.token_hex(4)}@example.com"
        reply = Client(SERVER).request("POST", "/api/v1/auth/register",
                                       json_body={"email": email, "password": CUSTOMER_PASSWORD, "name": "Payer"})
        assert reply.status == 201, (reply.status, reply.text)
        TOKENS["customer"] = SERVER.login_token(email, CUSTOMER_PASSWORD)
    return TOKENS["customer"]


def sign(body, secret=SECRET, at=None):
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event(type_="payment_intent.succeeded", payment_id=UNKNOWN, **data):
    return json.dumps({"id": "evt_" + secrets.token_hex(8), "type": type_, "created": int(time.time()),
                       "data": {"payment_id": payment_id, **data}}).encode()


def webhook(body, signature):
    headers = {} if signature is None else {"Shop-Signature": signature}
    return Client(SERVER).request("POST", "/api/v1/payments/webhook", raw=body, headers=headers)


CARD = {"client_secret": "pi_x_secret_y", "card_number": "4242424242424242", "exp_month": 12,
        "exp_year": 2099, "cvc": "123"}


class WebhookTest(ProblemAssertions):
    def test_missing_forged_stale_tampered_signatures_are_400(self):
        body = event()
        self.assertIn("missing", self.assertProblem(webhook(body, None), 400)["detail"])
        self.assertProblem(webhook(body, sign(body, "not-the-secret")), 400)
        self.assertIn("too old", self.assertProblem(webhook(body, sign(body, at=int(time.time()) - 301)), 400)["detail"])
        self.assertIn("future", self.assertProblem(webhook(body, sign(body, at=int(time.time()) + 301)), 400)["detail"])
        self.assertProblem(webhook(body + b" ", sign(body)), 400)
        self.assertProblem(webhook(body, "t=1,v1=nothex"), 400)
        self.assertProblem(webhook(body, "garbage"), 400)

    def test_valid_signature_accepted_once_per_event_and_rotated_secret_too(self):
        body = event()
        first = webhook(body, sign(body))
        self.assertEqual(first.status, 200, first.text)
        self.assertEqual(first.json()["received"], True)
        self.assertEqual(first.json()["applied"], False)  # no such intent here
        again = webhook(body, sign(body))
        self.assertEqual(again.status, 200, again.text)
        other = event()
        rotated = webhook(other, f"{sign(other, OLD_SECRET)},v1={'0' * 64}")
        self.assertEqual(rotated.status, 200, rotated.text)

    def test_signed_but_not_an_event_is_400(self):
        for body in (b"not json", b"[]", event(type_="payment_intent.exploded"),
                     b'{"id":"e","id":"f","type":"payment_intent.succeeded","created":1,"data":{"payment_id":"p"}}',
                     event(type_="payment_intent.authorized")):
            with self.subTest(body=body):
                self.assertProblem(webhook(body, sign(body)), 400)


class ShopperApiTest(ProblemAssertions):
    def test_read_needs_the_client_secret(self):
        client = Client(SERVER)
        self.assertProblem(client.request("GET", f"/api/v1/payments/{UNKNOWN}"), 404)
        self.assertProblem(client.request("GET", f"/api/v1/payments/{UNKNOWN}?client_secret=abc"), 404)
        self.assertProblem(client.request("GET", "/api/v1/payments/not-a-payment"), 400)

    def test_confirm_bad_input_is_400_listing_fields(self):
        client = Client(SERVER)
        path = f"/api/v1/payments/{UNKNOWN}/confirm"
        bad = dict(CARD, card_number="4242-4242", exp_month=13, cvc="12a")
        problem = self.assertProblem(client.request("POST", path, json_body=bad), 400)
        fields = {e["field"] for e in problem["errors"]}
        self.assertTrue({"card_number", "exp_month", "cvc"} <= fields, problem)
        expired = dict(CARD, exp_year=2001)
        self.assertProblem(client.request("POST", path, json_body=expired), 400)
        self.assertProblem(client.request("POST", path, json_body=dict(CARD, extra=1)), 400)
        self.assertProblem(client.request("POST", path, raw="{not json"), 400)
        self.assertProblem(client.request("POST", path, json_body={k: v for k, v in CARD.items() if k != "cvc"}), 400)

    def test_confirm_unknown_intent_is_404(self):
        reply = Client(SERVER).request("POST", f"/api/v1/payments/{UNKNOWN}/confirm", json_body=CARD)
        self.assertProblem(reply, 404)


class AdminApiTest(ProblemAssertions):
    def test_access(self):
        path = f"/api/v1/admin/payments/{UNKNOWN}"
        self.assertProblem(Client(SERVER).request("GET", path), 401)
        self.assertProblem(Client(SERVER).request("GET", path, bearer=customer()), 403)
        self.assertProblem(Client(SERVER).request("POST", path + "/capture", bearer=customer(),
                                                  headers={"Idempotency-Key": "k"}), 403)
        self.assertProblem(Client(SERVER).request("GET", path, bearer=staff()), 404)
        self.assertProblem(Client(SERVER).request("GET", path + "/refunds", bearer=staff()), 404)
        self.assertProblem(Client(SERVER).request("GET", "/api/v1/admin/payments/x", bearer=staff()), 400)

    def test_mutations_require_an_idempotency_key(self):
        for suffix, body in (("/capture", None), ("/cancel", {"reason": "r"}),
                             ("/refunds", {"amount": {"amount": 100, "currency": "EUR"}})):
            with self.subTest(suffix=suffix):
                reply = Client(SERVER).request("POST", f"/api/v1/admin/payments/{UNKNOWN}{suffix}",
                                               json_body=body, bearer=staff())
                self.assertIn("Idempotency-Key", self.assertProblem(reply, 400)["detail"])

    def test_bad_refund_and_cancel_bodies_are_400(self):
        path = f"/api/v1/admin/payments/{UNKNOWN}"
        for body in ({"amount": {"amount": 0, "currency": "EUR"}}, {"amount": {"amount": 1.5, "currency": "EUR"}},
                     {"amount": {"amount": 100, "currency": "euro"}}, {"amount": 100}, {},
                     {"amount": {"amount": 100, "currency": "EUR"}, "unknown": True}):
            with self.subTest(body=body):
                reply = Client(SERVER).request("POST", path + "/refunds", json_body=body, bearer=staff(),
                                               headers={"Idempotency-Key": secrets.token_hex(8)})
                self.assertProblem(reply, 400)
        reply = Client(SERVER).request("POST", path + "/cancel", json_body={}, bearer=staff(),
                                       headers={"Idempotency-Key": secrets.token_hex(8)})
        self.assertProblem(reply, 400)

    def test_idempotency_key_replays_and_refuses_another_body(self):
        key = "cancel-" + secrets.token_hex(8)
        path = f"/api/v1/admin/payments/{UNKNOWN}/cancel"
        first = Client(SERVER).request("POST", path, json_body={"reason": "a"}, bearer=staff(),
                                       headers={"Idempotency-Key": key})
        self.assertProblem(first, 404)
        replay = Client(SERVER).request("POST", path, json_body={"reason": "a"}, bearer=staff(),
                                        headers={"Idempotency-Key": key})
        self.assertProblem(replay, 404)
        self.assertEqual(replay.header("Idempotent-Replayed"), "true")
        other = Client(SERVER).request("POST", path, json_body={"reason": "b"}, bearer=staff(),
                                       headers={"Idempotency-Key": key})
        self.assertProblem(other, 422)


def setup(server):
    server.create_admin(STAFF_EMAIL, STAFF_PASSWORD)


def main():
    args = parse_args(backends=("sqlite", "postgres"))
    return run_suite(args, sys.modules[__name__], "payments", setup=setup,
                     extra_env={"SHOPD_PAYMENTS_WEBHOOK_SECRETS": f"{SECRET},{OLD_SECRET}"})


if __name__ == "__main__":
    sys.exit(main())
