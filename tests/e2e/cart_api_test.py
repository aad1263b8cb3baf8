#!/usr/bin/env python3
"""End-to-end checks of the cart API against the real binary: create, add,
merge, change, remove, totals recomputed from the catalog, client prices
ignored, bad input answered 4xx with the cart unchanged, another customer's
cart 404, shipping methods per country, and the guest cart merged into the
customer's saved cart.

    cart_api_test.py --binary shopd --source-dir . --backend sqlite|postgres|redis
"""
import os
import secrets
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shopd_harness import Client, ProblemAssertions, parse_args, run_suite  # noqa: E402

SERVER = None
ADMIN_EMAIL = "cart-admin@example.com"
ADMIN_PASSWORD = "admin-" + secrets.token_urlsafe(12)
TOKENS = {}


def staff():
    if "staff" not in TOKENS:
        TOKENS["staff"] = SERVER.login_token(ADMIN_EMAIL, ADMIN_PASSWORD)
    return TOKENS["staff"]


def new_customer():
    email = f"cart-{secrets.token_hex(4)}@example.com"
    password = "pw-" + secrets.token_urlsafe(12)
    reply = Client(SERVER).request("POST", "/api/v1/auth/register",
                                   json_body={"email": email, "password": password, "name": "Shopper"})
    assert reply.status == 201, (reply.status, reply.text)
    return email, password, SERVER.login_token(email, password)


def api(method, path, body=None, token=None, raw=None):
    return Client(SERVER).request(method, path, json_body=body, raw=raw, bearer=token)


def new_variant(price, stock, status="published", weight=500):
    sku = "C-" + secrets.token_hex(4).upper()
    body = {"name": f"Cart Thing {secrets.token_hex(3)}", "status": status, "description": "A thing.",
            "variants": [{"sku": sku, "price": price, "weight_grams": weight, "options": {"size": "M"}}]}
    reply = api("POST", "/api/v1/admin/products", body, token=staff())
    assert reply.status == 201, (reply.status, reply.text)
    if stock:
        reply = api("POST", f"/api/v1/admin/inventory/{sku}/adjustments", {"delta": stock, "reason": "test"},
                    token=staff())
        assert reply.status == 200, (reply.status, reply.text)
    return sku, reply


def new_cart(token=None):
    reply = api("POST", "/api/v1/carts", token=token)
    assert reply.status == 201, (reply.status, reply.text)
    return reply.json()


def get_cart(cart_id, token=None):
    reply = api("GET", f"/api/v1/carts/{cart_id}", token=token)
    assert reply.status == 200, (reply.status, reply.text)
    return reply.json()


def money(amount):
    return {"amount": amount, "currency": "EUR"}


class CartApiTest(ProblemAssertions):
    def test_add_merge_change_remove_and_totals(self):
        mug, _ = new_variant(1250, 100)
        tee, _ = new_variant(1999, 5)
        cart = new_cart()
        self.assertEqual(len(cart["id"]), 43)
        self.assertEqual(cart["lines"], [])
        self.assertEqual(cart["total"], money(0))
        path = f"/api/v1/carts/{cart['id']}"
        self.assertEqual(api("POST", path + "/items", {"sku": mug, "quantity": 2}).status, 200)
        # Prices sent by the client are refused, and change nothing.
        self.assertProblem(api("POST", path + "/items", {"sku": mug, "quantity": 1, "unit_price": money(1),
                                                         "total": money(1)}), 400)
        self.assertEqual(get_cart(cart["id"])["lines"][0]["quantity"], 2)
        reply = api("POST", path + "/items", {"sku": mug, "quantity": 1})
        self.assertEqual(reply.status, 200, reply.text)
        body = reply.json()
        self.assertEqual(len(body["lines"]), 1)
        line = body["lines"][0]
        self.assertEqual((line["sku"], line["quantity"]), (mug, 3))
        self.assertEqual(line["unit_price"], money(1250))
        self.assertEqual(line["line_total"], money(3750))
        self.assertTrue(line["in_stock"])
        self.assertEqual(body["subtotal"], money(3750))
        self.assertEqual(body["shipping"], money(495))
        self.assertEqual(body["shipping_method"]["id"], "standard")
        self.assertEqual(body["total"], money(4245))
        self.assertEqual(body["tax"], money(678))  # 19 % contained in 42.45

        body = api("POST", path + "/items", {"sku": tee, "quantity": 2}).json()
        self.assertEqual(body["subtotal"], money(3750 + 3998))
        self.assertEqual(body["shipping"], money(0))  # free over 50.00
        reply = api("PATCH", f"{path}/items/{mug}", {"quantity": 1})
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["lines"][0]["quantity"], 1)
        reply = api("DELETE", f"{path}/items/{tee}")
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual([l["sku"] for l in get_cart(cart["id"])["lines"]], [mug])

    def test_bad_input_changes_nothing(self):
        sku, _ = new_variant(500, 3)
        draft, _ = new_variant(500, 3, status="draft")
        cart = new_cart()
        path = f"/api/v1/carts/{cart['id']}"
        self.assertEqual(api("POST", path + "/items", {"sku": sku, "quantity": 1}).status, 200)
        before = get_cart(cart["id"])
        # Well-formed SKUs the shop does not sell: 422.
        for body in ({"sku": "NOPE-404", "quantity": 1}, {"sku": draft, "quantity": 1}):
            with self.subTest(body=body):
                self.assertProblem(api("POST", path + "/items", body), 422)
        bad = [{"sku": sku, "quantity": 0},
               {"sku": sku, "quantity": -1}, {"sku": sku, "quantity": 1.5}, {"sku": sku, "quantity": "1"},
               {"sku": sku, "quantity": 10 ** 30}, {"sku": sku, "quantity": 2 ** 63}, {"sku": sku},
               {"quantity": 1}, {"sku": "bad sku'", "quantity": 1}, {"sku": sku, "quantity": 100},
               {"sku": sku, "quantity": 1, "extra": True}]
        for body in bad:
            with self.subTest(body=body):
                self.assertProblem(api("POST", path + "/items", body), 400)
        self.assertProblem(api("POST", path + "/items", raw='{"sku": "A", "sku": "B", "quantity": 1}'), 400)
        self.assertProblem(api("POST", path + "/items", raw="{nope"), 400)
        self.assertProblem(api("POST", path + "/items", {"sku": sku, "quantity": 3}), 409)  # only 3, 1 in cart
        self.assertProblem(api("PATCH", f"{path}/items/{sku}", {"quantity": 0}), 400)
        self.assertProblem(api("PATCH", f"{path}/items/{sku}", {"quantity": 4}), 409)
        self.assertProblem(api("PATCH", f"{path}/items/NOT-IN-CART", {"quantity": 1}), 404)
        self.assertProblem(api("DELETE", f"{path}/items/NOT-IN-CART"), 404)
        self.assertEqual(get_cart(cart["id"]), before)
        self.assertProblem(api("GET", "/api/v1/carts/nonsense"), 400)  # not a cart id
        self.assertProblem(api("GET", "/api/v1/carts/" + "A" * 43), 404)
        self.assertProblem(api("POST", "/api/v1/carts/" + "A" * 43 + "/items", {"sku": sku, "quantity": 1}), 404)

    def test_another_customers_cart_is_404(self):
        sku, _ = new_variant(700, 10)
        _, _, alice = new_customer()
        _, _, bob = new_customer()
        mine = api("GET", "/api/v1/me/cart", token=alice)
        self.assertEqual(mine.status, 200, mine.text)
        cart_id = mine.json()["id"]
        self.assertEqual(api("POST", f"/api/v1/carts/{cart_id}/items", {"sku": sku, "quantity": 1},
                             token=alice).status, 200)
        before = get_cart(cart_id, token=alice)
        self.assertProblem(api("GET", f"/api/v1/carts/{cart_id}", token=bob), 404)
        self.assertProblem(api("GET", f"/api/v1/carts/{cart_id}"), 404)
        self.assertProblem(api("POST", f"/api/v1/carts/{cart_id}/items", {"sku": sku, "quantity": 1}, token=bob), 404)
        self.assertProblem(api("DELETE", f"/api/v1/carts/{cart_id}/items/{sku}", token=bob), 404)
        self.assertEqual(get_cart(cart_id, token=alice), before)
        self.assertProblem(api("GET", "/api/v1/me/cart"), 401)

    def test_shipping_methods(self):
        reply = api("GET", "/api/v1/shipping-methods?country=DE")
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual([m["id"] for m in reply.json()["items"]], ["standard", "express"])
        self.assertEqual(reply.json()["items"][0]["price"], money(495))
        sku, _ = new_variant(6000, 5)
        cart = new_cart()
        api("POST", f"/api/v1/carts/{cart['id']}/items", {"sku": sku, "quantity": 1})
        priced = api("GET", f"/api/v1/shipping-methods?country=DE&cart_id={cart['id']}").json()["items"]
        self.assertEqual(priced[0], {"id": "standard", "name": "Standard delivery", "price": money(0)})
        # A well-formed country the shop does not ship to: no methods.
        self.assertEqual(api("GET", "/api/v1/shipping-methods?country=XX").json()["items"], [])
        for query in ["", "?country=de", "?country=DEU", "?country=D1"]:
            with self.subTest(query=query):
                self.assertProblem(api("GET", "/api/v1/shipping-methods" + query), 400)
        self.assertProblem(api("GET", "/api/v1/shipping-methods?country=DE&cart_id=nope"), 400)
        self.assertProblem(api("GET", "/api/v1/shipping-methods?country=DE&cart_id=" + "A" * 43), 404)

    def test_guest_cart_merges_into_the_customers_at_sign_in(self):
        sku, _ = new_variant(300, 50)
        other, _ = new_variant(400, 50)
        email, password, token = new_customer()
        saved = api("GET", "/api/v1/me/cart", token=token).json()
        api("POST", f"/api/v1/carts/{saved['id']}/items", {"sku": sku, "quantity": 2}, token=token)
        guest = new_cart()
        api("POST", f"/api/v1/carts/{guest['id']}/items", {"sku": sku, "quantity": 3})
        api("POST", f"/api/v1/carts/{guest['id']}/items", {"sku": other, "quantity": 1})
        browser = Client(SERVER)
        browser.cookies["shop_cart"] = guest["id"]
        reply = browser.request("POST", "/api/v1/auth/login", json_body={"email": email, "password": password},
                                headers=browser.same_origin())
        self.assertEqual(reply.status, 200, reply.text)
        reply = browser.request("GET", "/api/v1/me/cart")
        self.assertEqual(reply.status, 200, reply.text)
        merged = reply.json()
        self.assertEqual(merged["id"], saved["id"])
        self.assertEqual([(l["sku"], l["quantity"]) for l in merged["lines"]], [(sku, 5), (other, 1)])
        self.assertNotIn("shop_cart", browser.cookies)
        self.assertProblem(api("GET", f"/api/v1/carts/{guest['id']}"), 404)

    def test_carts_and_sessions_survive_a_restart(self):
        # Embedded store: through <data_dir>/kv.snapshot, written at shutdown;
        # Redis: Redis keeps them.
        sku, _ = new_variant(1200, 10)
        cart = new_cart()
        self.assertEqual(api("POST", f"/api/v1/carts/{cart['id']}/items", {"sku": sku, "quantity": 3}).status, 200)
        email, password, _ = new_customer()
        browser = Client(SERVER)
        reply = browser.request("POST", "/api/v1/auth/login", json_body={"email": email, "password": password},
                                headers=browser.same_origin())
        self.assertEqual(reply.status, 200, reply.text)
        self.assertTrue(browser.session)

        SERVER.stop()
        SERVER.start()
        TOKENS.clear()

        after = get_cart(cart["id"])
        self.assertEqual([(l["sku"], l["quantity"]) for l in after["lines"]], [(sku, 3)])
        reply = browser.request("GET", "/api/v1/me")
        self.assertEqual(reply.status, 200, reply.text)
        self.assertEqual(reply.json()["email"], email)
        if not SERVER.env.get("SHOPD_REDIS_URL"):
            snapshot = os.path.join(SERVER.data_dir, "kv.snapshot")
            self.assertTrue(os.path.exists(snapshot))
            self.assertEqual(os.stat(snapshot).st_mode & 0o077, 0, "readable by the owner only")


def setup(server):
    server.create_admin(ADMIN_EMAIL, ADMIN_PASSWORD)


def main():
    args = parse_args()
    # The figures below are computed for this shipping and tax setup.
    extra = {"SHOPD_SHIPPING_METHODS": "standard|Standard delivery|DE,AT,NL|495|0|5000;express|Express|DE,AT|990|0|0",
             "SHOPD_TAX_RATES": "DE:1900,AT:2000,NL:2100", "SHOPD_TAX_PRICES_INCLUDE_TAX": "true"}
    # The PostgreSQL run keeps carts in Redis too, as production does.
    if args.backend == "postgres" and os.environ.get("SHOPD_TEST_REDIS_URL"):
        extra["SHOPD_REDIS_URL"] = os.environ["SHOPD_TEST_REDIS_URL"]
    return run_suite(args, sys.modules[__name__], "cart", setup=setup, extra_env=extra)


if __name__ == "__main__":
    sys.exit(main())
