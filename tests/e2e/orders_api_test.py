#!/usr/bin/env python3
"""End-to-end checks of checkout and orders against the real binary (real
cart, inventory, payments with the mock gateway and its signed webhooks):
the happy path to PAID, idempotent checkout, out-of-stock, declines, shopper
cancel, expiry, staff refunds, who may see what, bad input answered with a
4xx problem+json that changes nothing, and the flash sale: 200 concurrent
shoppers for the last 10 units.

    orders_api_test.py --binary shopd --source-dir . --backend sqlite|postgres
"""
import concurrent.futures
import os
import secrets
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shopd_harness import Client, ProblemAssertions, Server, parse_args, run_suite  # noqa: E402

SERVER = None
STAFF_EMAIL = "orders-admin@example.com"
STAFF_PASSWORD = "admin-" + secrets.token_urlsafe(12)
CUSTOMER_PASSWORD = "correct horse battery"
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
TOKENS = {}
ADDRESS = {"name": "Ada Lovelace", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"}


def staff_token():
    if "staff" not in TOKENS:
        TOKENS["staff"] = SERVER.login_token(STAFF_EMAIL, STAFF_PASSWORD)
    return TOKENS["staff"]


def new_customer():
    email = f"shopper-{secrets.token_hex(4)}@example.com"
    reply = Client(SERVER).request("POST", "/api/v1/auth/register",
                                   json_body={"email": email, "password": CUSTOMER_PASSWORD, "name": "Shopper"})
    assert reply.status == 201, (reply.status, reply.text)
    return email, SERVER.login_token(email, CUSTOMER_PASSWORD)


def api(method, path, body=None, token=None, headers=None, raw=None, server=None):
    return Client(server or SERVER).request(method, path, json_body=body, raw=raw, bearer=token, headers=headers)


def staff(method, path, body=None, headers=None):
    return api(method, path, body, token=staff_token(), headers=headers)


def new_product(stock, price=1500, server=None, token=None):
    """A published product with one variant of `stock` units; returns its SKU."""
    sku = f"ORD-{secrets.token_hex(4).upper()}"
    body = {"name": f"Order test {sku}", "description": "For checkout tests.", "status": "published",
            "variants": [{"sku": sku, "options": {"size": "M"}, "price": price, "weight_grams": 300}]}
    reply = api("POST", "/api/v1/admin/products", body, token=token or staff_token(), server=server)
    assert reply.status == 201, (reply.status, reply.text)
    if stock:
        reply = api("POST", f"/api/v1/admin/inventory/{sku}/adjustments", {"delta": stock, "reason": "received"},
                    token=token or staff_token(), server=server)
        assert reply.status == 200, (reply.status, reply.text)
    return sku


def level(sku, server=None, token=None):
    reply = api("GET", f"/api/v1/admin/inventory/{sku}", token=token or staff_token(), server=server)
    assert reply.status == 200, (reply.status, reply.text)
    return reply.json()


def new_cart(lines, token=None, server=None):
    reply = api("POST", "/api/v1/carts", {}, token=token, server=server)
    assert reply.status == 201, (reply.status, reply.text)
    cart_id = reply.json()["id"]
    for sku, quantity in lines:
        reply = api("POST", f"/api/v1/carts/{cart_id}/items", {"sku": sku, "quantity": quantity}, token=token,
                    server=server)
        assert reply.status in (200, 201), (reply.status, reply.text)
    return cart_id


def checkout(cart_id, key=None, token=None, email="ada@example.com", extra=None, server=None):
    body = {"cart_id": cart_id, "email": email, "shipping_address": ADDRESS}
    body.update(extra or {})
    return api("POST", "/api/v1/checkout", body, token=token, server=server,
               headers={"Idempotency-Key": key or secrets.token_hex(12)})


def confirm(order, card=CARD_OK, server=None):
    payment = order["payment"]
    return api("POST", f"/api/v1/payments/{payment['id']}/confirm",
               {"client_secret": payment["client_secret"], "card_number": card, "exp_month": 12, "exp_year": 2031,
                "cvc": "123"}, server=server)


def get_order(order, token=None, server=None):
    headers = {"X-Order-Token": order["token"]} if "token" in order else None
    return api("GET", f"/api/v1/orders/{order['id']}", token=token, headers=headers, server=server)


def wait_status(order, statuses, timeout=15, token=None, server=None):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        reply = get_order(order, token=token, server=server)
        assert reply.status == 200, (reply.status, reply.text)
        last = reply.json()["status"]
        if last in statuses:
            return last
        time.sleep(0.1)
    raise AssertionError(f"order {order['id']} stayed {last}, expected one of {statuses}")


class OrdersTestCase(ProblemAssertions):
    def place(self, lines, **kwargs):
        reply = checkout(new_cart(lines), **kwargs)
        self.assertEqual(reply.status, 201, reply.text)
        return reply.json()


class HappyPathTest(OrdersTestCase):
    def test_guest_checkout_to_paid(self):
        a, b = new_product(5, 1250), new_product(3, 990)
        cart_id = new_cart([(a, 2), (b, 1)])
        reply = checkout(cart_id)
        self.assertEqual(reply.status, 201, reply.text)
        order = reply.json()
        self.assertEqual(order["status"], "PENDING_PAYMENT")
        self.assertGreater(order["number"], 1000)
        self.assertEqual(order["subtotal"]["amount"], 2 * 1250 + 990)
        self.assertEqual(order["total"]["amount"],
                         order["subtotal"]["amount"] + order["shipping"]["amount"] +
                         (0 if order["prices_include_tax"] else order["tax"]["amount"]))
        self.assertEqual(order["payment"]["status"], "REQUIRES_PAYMENT_METHOD")
        self.assertEqual(order["payment"]["amount"], order["total"])
        self.assertTrue(order["token"])
        self.assertEqual(sorted(l["sku"] for l in order["lines"]), sorted([a, b]))
        self.assertEqual(level(a)["reserved"], 2)

        self.assertIn(confirm(order).status, (200, 202))
        self.assertEqual(wait_status(order, {"PAID"}), "PAID")
        self.assertEqual(level(a), {**level(a), "on_hand": 3, "reserved": 0, "available": 3})
        self.assertEqual(level(b)["on_hand"], 2)
        # The cart has served its purpose.
        cart = api("GET", f"/api/v1/carts/{cart_id}").json()
        self.assertEqual(cart["lines"], [])
        timeline = api("GET", f"/api/v1/orders/{order['id']}/timeline",
                       headers={"X-Order-Token": order["token"]}).json()["items"]
        self.assertEqual([e["to"] for e in timeline if e["to"]], ["PENDING_PAYMENT", "PAID"])

    def test_customer_orders_are_listed_and_private(self):
        _, ada = new_customer()
        _, bob = new_customer()
        sku = new_product(5)
        order = self.place([(sku, 1)], token=ada)
        self.assertNotIn("token", order)
        mine = api("GET", "/api/v1/orders", token=ada).json()["items"]
        self.assertEqual([o["id"] for o in mine], [order["id"]])
        self.assertEqual(api("GET", "/api/v1/orders", token=bob).json()["items"], [])
        self.assertEqual(api("GET", f"/api/v1/orders/{order['id']}", token=ada).status, 200)
        self.assertProblem(api("GET", f"/api/v1/orders/{order['id']}", token=bob), 404)
        self.assertProblem(api("GET", f"/api/v1/orders/{order['id']}"), 404)
        self.assertProblem(api("POST", f"/api/v1/orders/{order['id']}/cancel", token=bob), 404)
        self.assertProblem(api("GET", "/api/v1/orders"), 401)

    def test_guest_order_needs_its_token(self):
        order = self.place([(new_product(2), 1)])
        self.assertEqual(get_order(order).status, 200)
        self.assertProblem(api("GET", f"/api/v1/orders/{order['id']}"), 404)
        self.assertProblem(api("GET", f"/api/v1/orders/{order['id']}", headers={"X-Order-Token": "x" * 43}), 404)
        self.assertProblem(api("GET", "/api/v1/orders/no-such-order", headers={"X-Order-Token": order["token"]}), 404)


class IdempotencyTest(OrdersTestCase):
    def test_replay_returns_the_same_order(self):
        sku = new_product(5)
        cart_id = new_cart([(sku, 1)])
        key = secrets.token_hex(12)
        first = checkout(cart_id, key=key)
        self.assertEqual(first.status, 201, first.text)
        again = checkout(cart_id, key=key)
        self.assertEqual(again.status, 201, again.text)
        self.assertEqual(again.json()["id"], first.json()["id"])
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        self.assertEqual(level(sku)["reserved"], 1)

    def test_same_key_other_body_is_422_and_missing_key_400(self):
        sku = new_product(5)
        cart_id = new_cart([(sku, 1)])
        key = secrets.token_hex(12)
        self.assertEqual(checkout(cart_id, key=key).status, 201)
        self.assertProblem(checkout(cart_id, key=key, email="other@example.com"), 422)
        reply = api("POST", "/api/v1/checkout", {"cart_id": cart_id, "email": "a@example.com",
                                                 "shipping_address": ADDRESS})
        self.assertProblem(reply, 400)
        self.assertEqual(level(sku)["reserved"], 1)

    def test_concurrent_duplicates_make_one_order(self):
        sku = new_product(5)
        cart_id = new_cart([(sku, 1)])
        key = secrets.token_hex(12)
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            replies = list(pool.map(lambda _: checkout(cart_id, key=key), range(8)))
        statuses = sorted(r.status for r in replies)
        self.assertTrue(set(statuses) <= {201, 409}, statuses)
        ids = {r.json()["id"] for r in replies if r.status == 201}
        self.assertEqual(len(ids), 1, statuses)
        self.assertEqual(level(sku)["reserved"], 1)


class RefusalsTest(OrdersTestCase):
    def test_out_of_stock_names_the_sku_and_reserves_nothing(self):
        plenty, short = new_product(10), new_product(1)
        cart_id = new_cart([(plenty, 2), (short, 1)])
        # Someone else buys the last unit of `short` first.
        self.place([(short, 1)])
        reply = checkout(cart_id)
        body = self.assertProblem(reply, 409)
        self.assertIn(short, reply.text)
        self.assertNotIn(plenty, [e.get("field") for e in body.get("errors", [])])
        self.assertEqual(level(plenty)["reserved"], 0)

    def test_client_prices_totals_and_statuses_are_refused(self):
        sku = new_product(5, 1000)
        cart_id = new_cart([(sku, 1)])
        for extra in ({"total": {"amount": 1, "currency": "EUR"}}, {"subtotal": 1}, {"status": "PAID"},
                      {"lines": [{"sku": sku, "quantity": 1, "unit_price": 1}]}, {"price": 1}):
            self.assertProblem(checkout(cart_id, extra=extra), 400)
        self.assertEqual(level(sku)["reserved"], 0)
        order = self.place([(sku, 1)])
        self.assertEqual(order["subtotal"]["amount"], 1000)

    def test_bad_input_is_400_and_changes_nothing(self):
        sku = new_product(5)
        cart_id = new_cart([(sku, 1)])
        bad = [
            {"email": "ada@example.com", "shipping_address": ADDRESS},
            {"cart_id": cart_id, "shipping_address": ADDRESS},
            {"cart_id": cart_id, "email": "not-an-email", "shipping_address": ADDRESS},
            {"cart_id": cart_id, "email": "ada@example.com"},
            {"cart_id": cart_id, "email": "ada@example.com", "shipping_address": {**ADDRESS, "country": "Germany"}},
            {"cart_id": cart_id, "email": "ada@example.com", "shipping_address": {**ADDRESS, "city": ""}},
            {"cart_id": cart_id, "email": "ada@example.com", "shipping_address": {**ADDRESS, "zip": "1"}},
            {"cart_id": 7, "email": "ada@example.com", "shipping_address": ADDRESS},
            {"cart_id": cart_id, "email": "ada@example.com", "shipping_address": "Berlin"},
        ]
        for body in bad:
            reply = api("POST", "/api/v1/checkout", body, headers={"Idempotency-Key": secrets.token_hex(8)})
            self.assertProblem(reply, 400)
        for raw in ('{"cart_id": "a", "cart_id": "b"}', "[]", "{not json"):
            reply = api("POST", "/api/v1/checkout", raw=raw, headers={"Idempotency-Key": secrets.token_hex(8)})
            self.assertProblem(reply, 400)
        self.assertProblem(checkout("no-such-cart"), 400)  # not a cart id
        self.assertProblem(checkout("x" * 43), 404)  # well-formed, unknown
        self.assertProblem(checkout(new_cart([])), 422)
        self.assertProblem(checkout(cart_id, extra={"shipping_method": "teleport"}), 400)
        self.assertEqual(level(sku)["reserved"], 0)
        self.assertProblem(api("POST", f"/api/v1/carts/{cart_id}/items", {"sku": sku, "quantity": 2 ** 63}), 400)

    def test_another_customers_cart_cannot_be_checked_out(self):
        _, ada = new_customer()
        _, bob = new_customer()
        cart_id = new_cart([(new_product(3), 1)], token=ada)
        self.assertProblem(checkout(cart_id, token=bob), 404)
        self.assertProblem(checkout(cart_id), 404)


class PaymentOutcomeTest(OrdersTestCase):
    def test_declined_card_cancels_and_releases(self):
        sku = new_product(3)
        order = self.place([(sku, 2)])
        self.assertEqual(level(sku)["reserved"], 2)
        # Declines count as failed attempts; the last allowed one cancels the
        # payment, and the order with it.
        for _ in range(3):
            reply = confirm(order, CARD_DECLINED)
            if reply.status == 409:
                break
            self.assertIn(reply.status, (200, 202, 402), reply.text)
            time.sleep(0.2)
            if get_order(order).json()["status"] == "CANCELLED":
                break
        self.assertEqual(wait_status(order, {"CANCELLED"}), "CANCELLED")
        self.assertEqual(level(sku)["reserved"], 0)
        self.assertEqual(level(sku)["on_hand"], 3)

    def test_shopper_cancels_before_payment_but_not_after(self):
        sku = new_product(4)
        first = self.place([(sku, 2)])
        reply = api("POST", f"/api/v1/orders/{first['id']}/cancel", headers={"X-Order-Token": first["token"]})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["status"], "CANCELLED")
        self.assertEqual(level(sku)["reserved"], 0)
        self.assertProblem(confirm(first), 409)

        second = self.place([(sku, 1)])
        confirm(second)
        wait_status(second, {"PAID"})
        reply = api("POST", f"/api/v1/orders/{second['id']}/cancel", headers={"X-Order-Token": second["token"]})
        self.assertProblem(reply, 409)
        self.assertEqual(get_order(second).json()["status"], "PAID")
        self.assertEqual(level(sku)["on_hand"], 3)


class StaffTest(OrdersTestCase):
    def test_staff_list_detail_refund_ship(self):
        sku = new_product(5, 2000)
        order = self.place([(sku, 2)])
        confirm(order)
        wait_status(order, {"PAID"})
        listed = staff("GET", f"/api/v1/admin/orders?status=PAID&number={order['number']}").json()["items"]
        self.assertEqual([o["id"] for o in listed], [order["id"]])
        self.assertProblem(staff("GET", "/api/v1/admin/orders?status=paid"), 400)
        self.assertProblem(staff("GET", "/api/v1/admin/orders?from=2026-02-31"), 400)
        self.assertProblem(api("GET", "/api/v1/admin/orders"), 401)
        _, customer = new_customer()
        self.assertProblem(api("GET", "/api/v1/admin/orders", token=customer), 403)

        detail = staff("GET", f"/api/v1/admin/orders/{order['id']}").json()
        self.assertEqual([e["to"] for e in detail["timeline"] if e["to"]], ["PENDING_PAYMENT", "PAID"])

        key = secrets.token_hex(8)
        refund = {"amount": 1000, "reason": "one arrived broken"}
        self.assertProblem(staff("POST", f"/api/v1/admin/orders/{order['id']}/refunds",
                                 {"amount": order["total"]["amount"] + 1, "reason": "too much"},
                                 headers={"Idempotency-Key": secrets.token_hex(8)}), 422)
        self.assertProblem(staff("POST", f"/api/v1/admin/orders/{order['id']}/refunds", {"amount": -5, "reason": "x"},
                                 headers={"Idempotency-Key": secrets.token_hex(8)}), 400)
        first = staff("POST", f"/api/v1/admin/orders/{order['id']}/refunds", refund, headers={"Idempotency-Key": key})
        self.assertEqual(first.status, 200, first.text)
        again = staff("POST", f"/api/v1/admin/orders/{order['id']}/refunds", refund, headers={"Idempotency-Key": key})
        self.assertEqual(again.header("Idempotent-Replayed"), "true")
        self.assertEqual(wait_status(order, {"PARTIALLY_REFUNDED"}), "PARTIALLY_REFUNDED")
        self.assertEqual(get_order(order).json()["refunded"]["amount"], 1000)

        shipped = staff("POST", f"/api/v1/admin/orders/{order['id']}/ship",
                        {"carrier": "DHL", "tracking_number": "JJD0001"})
        self.assertEqual(shipped.status, 200, shipped.text)
        self.assertProblem(staff("POST", f"/api/v1/admin/orders/{order['id']}/ship", {"carrier": "DHL"}), 400)
        self.assertEqual(staff("POST", f"/api/v1/admin/orders/{order['id']}/deliver").json()["status"], "DELIVERED")
        self.assertProblem(staff("POST", f"/api/v1/admin/orders/{order['id']}/cancel"), 409)


class ExpiryTest(OrdersTestCase):
    def test_unpaid_order_expires_and_releases(self):
        # A server of its own with a 2 s reservation and a fast sweeper.
        server = Server(SERVER.args, "orders-expiry", {"SHOPD_ORDERS_RESERVATION_TTL_SECONDS": "2",
                                                       "SHOPD_INVENTORY_SWEEP_INTERVAL_MS": "200"})
        try:
            server.create_admin(STAFF_EMAIL, STAFF_PASSWORD)
            server.start()
            token = server.login_token(STAFF_EMAIL, STAFF_PASSWORD)
            sku = new_product(3, server=server, token=token)
            reply = checkout(new_cart([(sku, 2)], server=server), server=server)
            self.assertEqual(reply.status, 201, reply.text)
            order = reply.json()
            self.assertEqual(level(sku, server, token)["reserved"], 2)
            self.assertEqual(wait_status(order, {"EXPIRED"}, timeout=20, server=server), "EXPIRED")
            self.assertEqual(level(sku, server, token)["reserved"], 0)
            self.assertProblem(confirm(order, server=server), 409)
            self.assertEqual(get_order(order, server=server).json()["status"], "EXPIRED")
        finally:
            server.cleanup()


class FlashSaleTest(OrdersTestCase):
    SHOPPERS = 200
    UNITS = 10

    def test_200_shoppers_for_the_last_10_units(self):
        sku = new_product(self.UNITS, 4900)
        before = level(sku)
        carts = [new_cart([(sku, 1)]) for _ in range(self.SHOPPERS)]
        start = threading.Barrier(min(self.SHOPPERS, 64))
        outcomes = {"paid": [], "out_of_stock": 0, "other": []}
        lock = threading.Lock()

        def shopper(cart_id):
            try:
                start.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
            reply = checkout(cart_id)
            if reply.status == 201:
                order = reply.json()
                paid = confirm(order)
                with lock:
                    outcomes["paid"].append((order, paid.status))
            elif reply.status == 409 and "out-of-stock" in reply.text:
                with lock:
                    outcomes["out_of_stock"] += 1
            else:
                with lock:
                    outcomes["other"].append((reply.status, reply.text[:200]))

        with concurrent.futures.ThreadPoolExecutor(64) as pool:
            list(pool.map(shopper, carts))
        self.assertEqual(outcomes["other"], [])
        self.assertEqual(len(outcomes["paid"]), self.UNITS)
        self.assertEqual(outcomes["out_of_stock"], self.SHOPPERS - self.UNITS)
        for order, confirm_status in outcomes["paid"]:
            self.assertLess(confirm_status, 500)
            self.assertEqual(wait_status(order, {"PAID"}, timeout=30), "PAID")
        after = level(sku)
        self.assertEqual(after["on_hand"], before["on_hand"] - self.UNITS)
        self.assertEqual(after["reserved"], 0)
        self.assertEqual(after["available"], after["on_hand"] - after["reserved"])
        paid = staff("GET", "/api/v1/admin/orders?status=PAID&limit=100").json()["items"]
        self.assertEqual(len({o["id"] for o in paid} & {o["id"] for o, _ in outcomes["paid"]}), self.UNITS)


def setup(server):
    server.create_admin(STAFF_EMAIL, STAFF_PASSWORD)


if __name__ == "__main__":
    args = parse_args(("sqlite", "postgres"))
    extra = {}
    if args.backend == "postgres" and os.environ.get("SHOPD_TEST_REDIS_URL"):
        # The production shape: PostgreSQL and Redis (carts live in Redis).
        extra["SHOPD_REDIS_URL"] = os.environ["SHOPD_TEST_REDIS_URL"]
    sys.exit(run_suite(args, sys.modules[__name__], "orders", setup=setup, extra_env=extra))
