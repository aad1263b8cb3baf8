#!/usr/bin/env python3
"""End-to-end checks of the inventory staff API and pages against the real
binary on a free loopback port: access (anonymous 401, customer 403), levels,
adjustments, thresholds, the ledger, low stock, and bad input answered with a
4xx problem+json that changes nothing.

    inventory_api_test.py --binary shopd --source-dir . --backend sqlite|postgres
"""
import os
import re
import secrets
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shopd_harness import Client, ProblemAssertions, parse_args, run_suite  # noqa: E402

SERVER = None
STAFF_EMAIL = "stock-admin@example.com"
STAFF_PASSWORD = "admin-" + secrets.token_urlsafe(12)
CUSTOMER_PASSWORD = "correct horse battery"
TOKENS = {}


def staff():
    if "staff" not in TOKENS:
        TOKENS["staff"] = SERVER.login_token(STAFF_EMAIL, STAFF_PASSWORD)
    return TOKENS["staff"]


def customer():
    if "customer" not in TOKENS:
        email = f"shopper-{secrets.token_hex(4)}@example.com"
        reply = Client(SERVER).request("POST", "/api/v1/auth/register",
                                       json_body={"email": email, "password": CUSTOMER_PASSWORD, "name": "Shopper"})
        assert reply.status == 201, (reply.status, reply.text)
        TOKENS["customer"] = SERVER.login_token(email, CUSTOMER_PASSWORD)
    return TOKENS["customer"]


def api(method, path, body=None, token=None, raw=None):
    return Client(SERVER).request(method, path, json_body=body, raw=raw, bearer=token or staff())


def new_sku(tag="SKU"):
    sku = f"{tag}-{secrets.token_hex(4).upper()}"
    reply = api("POST", "/api/v1/admin/inventory", {"sku": sku})
    assert reply.status == 200, (reply.status, reply.text)
    return sku


def level(sku):
    reply = api("GET", f"/api/v1/admin/inventory/{sku}")
    assert reply.status == 200, (reply.status, reply.text)
    return reply.json()


def ledger(sku, query=""):
    reply = api("GET", f"/api/v1/admin/inventory/{sku}/ledger{query}")
    assert reply.status == 200, (reply.status, reply.text)
    return reply.json()


def adjust(sku, delta, reason="received"):
    return api("POST", f"/api/v1/admin/inventory/{sku}/adjustments", {"delta": delta, "reason": reason})


class InventoryTestCase(ProblemAssertions):
    def assertUnchanged(self, sku, before, ledger_before):
        self.assertEqual(level(sku), before)
        self.assertEqual(ledger(sku)["items"], ledger_before)


class AccessTest(InventoryTestCase):
    def test_staff_only(self):
        sku = new_sku("ACC")
        routes = [("GET", "/api/v1/admin/inventory", None), ("POST", "/api/v1/admin/inventory", {"sku": "X-1"}),
                  ("GET", "/api/v1/admin/inventory/low-stock", None), ("GET", f"/api/v1/admin/inventory/{sku}", None),
                  ("POST", f"/api/v1/admin/inventory/{sku}/adjustments", {"delta": 5, "reason": "x"}),
                  ("PUT", f"/api/v1/admin/inventory/{sku}/threshold", {"threshold": 2}),
                  ("GET", f"/api/v1/admin/inventory/{sku}/ledger", None)]
        for method, path, body in routes:
            with self.subTest(method=method, path=path):
                self.assertProblem(Client(SERVER).request(method, path, json_body=body), 401)
                self.assertProblem(api(method, path, body, token=customer()), 403)
        self.assertEqual(level(sku)["on_hand"], 0)
        self.assertEqual(level(sku)["low_stock_threshold"], 5)
        self.assertEqual(ledger(sku)["items"], [])
        self.assertProblem(api("GET", "/api/v1/admin/inventory/X-1"), 404)

    def test_pages_are_staff_only(self):
        for path in ["/admin/inventory", "/admin/inventory/low-stock", "/admin/inventory/ANY-1"]:
            with self.subTest(path=path):
                anonymous = Client(SERVER).request("GET", path)
                self.assertEqual(anonymous.status, 303)
                self.assertTrue(anonymous.header("Location").startswith("/signin"))
                self.assertEqual(Client(SERVER).request("GET", path, bearer=customer()).status, 403)


class LevelsTest(InventoryTestCase):
    def test_get_adjust_and_ledger(self):
        sku = new_sku("LVL")
        self.assertEqual(level(sku), {"sku": sku, "on_hand": 0, "reserved": 0, "available": 0,
                                      "low_stock_threshold": 5, "low": True})
        reply = adjust(sku, 12, "received PO 17")
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["on_hand"], 12)
        reply = adjust(sku, -2, "damaged")
        self.assertEqual(reply.status, 200, reply.text)
        got = level(sku)
        self.assertEqual((got["on_hand"], got["reserved"], got["available"], got["low"]), (10, 0, 10, False))

        rows = ledger(sku)
        self.assertIsNone(rows["next_cursor"])
        self.assertEqual([(r["kind"], r["on_hand_delta"], r["on_hand_after"], r["reason"]) for r in rows["items"]],
                         [("adjust", -2, 10, "damaged"), ("receive", 12, 12, "received PO 17")])
        me = Client(SERVER).request("GET", "/api/v1/me", bearer=staff()).json()
        self.assertEqual(rows["items"][0]["actor"], me["id"])
        self.assertIsNone(rows["items"][0]["order_id"])
        self.assertRegex(rows["items"][0]["at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")

        first = ledger(sku, "?limit=1")
        self.assertEqual(len(first["items"]), 1)
        self.assertIsNotNone(first["next_cursor"])
        second = ledger(sku, "?limit=1&cursor=" + first["next_cursor"])
        self.assertEqual(second["items"][0]["kind"], "receive")
        self.assertIsNone(second["next_cursor"])

    def test_track_is_idempotent(self):
        sku = new_sku("TRK")
        self.assertEqual(adjust(sku, 3).status, 200)
        reply = api("POST", "/api/v1/admin/inventory", {"sku": sku})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["on_hand"], 3)

    def test_search_by_prefix(self):
        prefix = "SRCH" + secrets.token_hex(3).upper()
        skus = sorted(f"{prefix}-{i}" for i in range(3))
        for sku in skus:
            self.assertEqual(api("POST", "/api/v1/admin/inventory", {"sku": sku}).status, 200)
        page = api("GET", f"/api/v1/admin/inventory?q={prefix.lower()}&limit=2").json()
        self.assertEqual([i["sku"] for i in page["items"]], skus[:2])
        rest = api("GET", f"/api/v1/admin/inventory?q={prefix}&limit=2&cursor={page['next_cursor']}").json()
        self.assertEqual([i["sku"] for i in rest["items"]], skus[2:])
        self.assertIsNone(rest["next_cursor"])
        self.assertProblem(api("GET", "/api/v1/admin/inventory?q=a%25"), 400)
        self.assertProblem(api("GET", "/api/v1/admin/inventory?limit=0"), 400)
        self.assertProblem(api("GET", "/api/v1/admin/inventory?limit=abc"), 400)
        self.assertProblem(api("GET", "/api/v1/admin/inventory?cursor=%21%21"), 400)

    def test_threshold_and_low_stock(self):
        sku = new_sku("LOW")
        self.assertEqual(adjust(sku, 3).status, 200)
        low = api("GET", "/api/v1/admin/inventory/low-stock?limit=100").json()
        self.assertIn(sku, [i["sku"] for i in low["items"]])
        reply = api("PUT", f"/api/v1/admin/inventory/{sku}/threshold", {"threshold": 2})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["low_stock_threshold"], 2)
        self.assertFalse(reply.json()["low"])
        self.assertNotIn(sku, self.all_low())
        reply = api("PUT", f"/api/v1/admin/inventory/{sku}/threshold", {"threshold": None})
        self.assertEqual(reply.json()["low_stock_threshold"], 5)
        self.assertIn(sku, self.all_low())
        for body in [{"threshold": -1}, {"threshold": 1.5}, {"threshold": "3"}, {}, {"threshold": 2, "x": 1}]:
            with self.subTest(body=body):
                self.assertProblem(api("PUT", f"/api/v1/admin/inventory/{sku}/threshold", body), 400)
        self.assertEqual(level(sku)["low_stock_threshold"], 5)
        self.assertProblem(api("PUT", "/api/v1/admin/inventory/NO-SUCH/threshold", {"threshold": 1}), 404)

    def all_low(self):
        skus, cursor = [], None
        while True:
            page = api("GET", "/api/v1/admin/inventory/low-stock?limit=100" + (f"&cursor={cursor}" if cursor else "")).json()
            skus += [i["sku"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                return skus


class BadInputTest(InventoryTestCase):
    def test_bad_adjustments_change_nothing(self):
        sku = new_sku("BAD")
        self.assertEqual(adjust(sku, 4).status, 200)
        before, rows = level(sku), ledger(sku)["items"]
        path = f"/api/v1/admin/inventory/{sku}/adjustments"
        cases = [
            ({"delta": -5, "reason": "too many"}, 409),  # below reserved (0) → on hand −1
            ({"delta": 0, "reason": "nothing"}, 400),
            ({"delta": 1_000_001, "reason": "huge"}, 400),
            ({"delta": -1_000_001, "reason": "huge"}, 400),
            ({"delta": 2**63, "reason": "beyond int64"}, 400),
            ({"delta": 10**30, "reason": "beyond int64"}, 400),
            ({"delta": 1.5, "reason": "fraction"}, 400),
            ({"delta": 2.0, "reason": "float"}, 400),
            ({"delta": "3", "reason": "string"}, 400),
            ({"delta": True, "reason": "bool"}, 400),
            ({"delta": None, "reason": "null"}, 400),
            ({"delta": 3}, 400),
            ({"delta": 3, "reason": ""}, 400),
            ({"delta": 3, "reason": "   "}, 400),
            ({"delta": 3, "reason": 7}, 400),
            ({"delta": 3, "reason": "x" * 501}, 400),
            ({"delta": 3, "reason": "ok", "sku": "OTHER"}, 400),
            ({"reason": "no delta"}, 400),
        ]
        for body, status in cases:
            with self.subTest(body=body):
                problem = self.assertProblem(api("POST", path, body), status)
                self.assertTrue(problem["type"] and problem["title"] and problem["detail"], problem)
                if status == 400:
                    self.assertTrue(problem.get("errors"), problem)
        for raw in ['{"delta": 3, "delta": 4, "reason": "dup"}', '{"delta": 3, "reason": "a", "reason": "b"}',
                    '{"delta": 3, "reason": "x"', '[1]', '', 'delta=3']:
            with self.subTest(raw=raw):
                self.assertProblem(api("POST", path, raw=raw), 400)
        self.assertProblem(Client(SERVER).request("POST", path, raw='{"delta": 3, "reason": "x"}',
                                                  content_type="text/plain", bearer=staff()), 400)
        self.assertUnchanged(sku, before, rows)

    def test_unknown_and_malformed_skus(self):
        self.assertProblem(adjust("NO-SUCH-SKU", 3), 404)
        self.assertProblem(api("GET", "/api/v1/admin/inventory/NO-SUCH-SKU"), 404)
        self.assertProblem(api("GET", "/api/v1/admin/inventory/NO-SUCH-SKU/ledger"), 404)
        self.assertProblem(api("GET", "/api/v1/admin/inventory/NO-SUCH-SKU"), 404)
        for bad in ["bad%20sku", "a*b", "%C3%A9t%C3%A9", "x" * 65, "semi%3Bcolon"]:
            with self.subTest(sku=bad):
                problem = self.assertProblem(api("GET", f"/api/v1/admin/inventory/{bad}"), 400)
                self.assertEqual(problem["errors"][0]["field"], "sku")
                self.assertProblem(adjust(bad, 3), 400)
                self.assertProblem(api("GET", f"/api/v1/admin/inventory/{bad}/ledger"), 400)
                self.assertProblem(api("PUT", f"/api/v1/admin/inventory/{bad}/threshold", {"threshold": 1}), 400)
        for body in [{"sku": "bad sku"}, {"sku": ""}, {"sku": 5}, {}, {"sku": "OK-1", "extra": True}]:
            with self.subTest(body=body):
                self.assertProblem(api("POST", "/api/v1/admin/inventory", body), 400)
        self.assertProblem(api("GET", "/api/v1/admin/inventory/OK-1"), 404)
        self.assertProblem(api("GET", "/api/v1/admin/inventory/bad%20sku/ledger?limit=1"), 400)
        sku = new_sku("LIM")
        self.assertProblem(api("GET", f"/api/v1/admin/inventory/{sku}/ledger?limit=101"), 400)
        self.assertProblem(api("GET", f"/api/v1/admin/inventory/{sku}/ledger?cursor=zz%00"), 400)


class PagesTest(InventoryTestCase):
    def session_client(self):
        client = Client(SERVER)
        reply = client.request("POST", "/api/v1/auth/login", headers=client.same_origin(),
                               json_body={"email": STAFF_EMAIL, "password": STAFF_PASSWORD})
        self.assertEqual(reply.status, 200, reply.text)
        return client

    def test_pages_and_the_adjust_form(self):
        sku = new_sku("PAGE")
        self.assertEqual(adjust(sku, 2, "first delivery").status, 200)
        client = self.session_client()
        index = client.request("GET", f"/admin/inventory?q={sku}")
        self.assertEqual(index.status, 200, index.text)
        self.assertIn(f'href="/admin/inventory/{sku}"', index.text)
        low = client.request("GET", "/admin/inventory/low-stock")
        self.assertEqual(low.status, 200)
        self.assertIn("Low stock", low.text)
        dashboard = client.request("GET", "/admin")
        self.assertIn('href="/admin/inventory"', dashboard.text)

        page = client.request("GET", f"/admin/inventory/{sku}")
        self.assertEqual(page.status, 200, page.text)
        self.assertIn("first delivery", page.text)
        csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
        form_path = f"/admin/inventory/{sku}/adjustments"
        # Without the token the cookie-authenticated form is refused.
        self.assertEqual(client.request("POST", form_path, form={"delta": "5", "reason": "r"}).status, 403)
        self.assertEqual(level(sku)["on_hand"], 2)
        refused = client.request("POST", form_path, form={"_csrf": csrf, "delta": "-9", "reason": "write off"})
        self.assertEqual(refused.status, 409)
        self.assertIn("below reserved", refused.text)
        self.assertEqual(client.request("POST", form_path, form={"_csrf": csrf, "delta": "1.5", "reason": "x"}).status,
                         400)
        self.assertEqual(level(sku)["on_hand"], 2)
        done = client.request("POST", form_path, form={"_csrf": csrf, "delta": "5", "reason": "second delivery"})
        self.assertEqual(done.status, 303, done.text)
        self.assertEqual(done.header("Location"), f"/admin/inventory/{sku}?saved=1")
        self.assertEqual(level(sku)["on_hand"], 7)
        threshold = client.request("POST", f"/admin/inventory/{sku}/threshold", form={"_csrf": csrf, "threshold": "9"})
        self.assertEqual(threshold.status, 303, threshold.text)
        self.assertEqual(level(sku)["low_stock_threshold"], 9)
        self.assertEqual(client.request("GET", "/admin/inventory/NO-SUCH-SKU").status, 404)
        self.assertEqual(client.request("GET", "/admin/inventory/bad%20sku").status, 400)


def setup(server):
    server.create_admin(STAFF_EMAIL, STAFF_PASSWORD)


def main():
    args = parse_args(backends=("sqlite", "postgres"))
    return run_suite(args, sys.modules[__name__], "inventory", setup=setup)


if __name__ == "__main__":
    sys.exit(main())
