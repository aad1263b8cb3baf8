#!/usr/bin/env python3
"""End-to-end checks of product search against the real binary: the index
follows catalog writes made through the staff API within 2 s (new, repriced,
unpublished products), typo correction, facet counts that match filtered
totals, bad parameters, and `shopd reindex` while the server answers.

    search_api_test.py --binary shopd --source-dir . --backend sqlite|postgres

The server is seeded with `shopd seed --demo --products 60` before it starts.
"""
import os
import random
import secrets
import string
import sys
import threading
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shopd_harness import Client, ProblemAssertions, parse_args, run_suite  # noqa: E402

SERVER = None
SEED_PRODUCTS = 60
ADMIN_EMAIL = "search-admin@example.com"
ADMIN_PASSWORD = "admin-" + secrets.token_urlsafe(12)
VISIBLE_WITHIN_S = 2.0
_TOKENS = {}


def admin_token():
    if "admin" not in _TOKENS:
        _TOKENS["admin"] = SERVER.login_token(ADMIN_EMAIL, ADMIN_PASSWORD)
    return _TOKENS["admin"]


def api(method, path, body=None, headers=None):
    return Client(SERVER).request(method, path, json_body=body, headers=headers)


def staff(method, path, body=None, headers=None):
    return Client(SERVER).request(method, path, json_body=body, bearer=admin_token(), headers=headers)


def search(**params):
    reply = api("GET", "/api/v1/search?" + urllib.parse.urlencode(params))
    assert reply.status == 200, (reply.status, reply.text)
    return reply.json()


def made_up_word():
    """A letters-only word no demo product contains (so stemming keeps it whole)."""
    return "zq" + "".join(random.choice(string.ascii_lowercase) for _ in range(8))


def wait_for(predicate, within_s):
    """Polls until predicate() is truthy; returns (value, seconds it took)."""
    started = time.monotonic()
    while True:
        value = predicate()
        elapsed = time.monotonic() - started
        if value or elapsed > within_s:
            return value, elapsed
        time.sleep(0.05)


def new_product(word, price=1999, status="published"):
    body = {"name": f"Lantern {word}", "status": status, "description": "A lantern for search tests.",
            "variants": [{"sku": "S-" + secrets.token_hex(4).upper(), "price": price, "options": {"colour": "red"}}]}
    reply = staff("POST", "/api/v1/admin/products", body)
    assert reply.status == 201, (reply.status, reply.text)
    return reply.json(), reply.header("ETag")


class SearchCase(ProblemAssertions):
    @classmethod
    def setUpClass(cls):
        # The first start builds the index in the background (503 until then).
        ready, took = wait_for(lambda: api("GET", "/api/v1/search?q=x").status == 200, 60)
        assert ready, f"the search index was not built within {took:.0f} s"


class Freshness(SearchCase):
    def test_new_product_appears_within_2s(self):
        word = made_up_word()
        self.assertEqual(search(q=word)["total"], 0)
        product, _ = new_product(word)
        found, took = wait_for(lambda: search(q=word)["total"] == 1, VISIBLE_WITHIN_S)
        self.assertTrue(found, f"{product['slug']} not searchable after {took:.2f} s")
        self.assertEqual(search(q=word)["items"][0]["slug"], product["slug"])

    def test_price_change_shows_within_2s(self):
        word = made_up_word()
        product, etag = new_product(word, price=1999)
        self.assertTrue(wait_for(lambda: search(q=word)["total"] == 1, VISIBLE_WITHIN_S)[0])
        sku = product["variants"][0]["sku"]
        changed = staff("PATCH", f"/api/v1/admin/products/{product['id']}/variants/{sku}", {"price": 4599},
                        headers={"If-Match": etag})
        self.assertEqual(changed.status, 200, changed.text)
        repriced, took = wait_for(lambda: search(q=word)["items"][0]["price"]["amount"] == 4599, VISIBLE_WITHIN_S)
        self.assertTrue(repriced, f"the new price was not in search after {took:.2f} s")
        # The price filter sees it too.
        self.assertEqual(search(q=word, min_price=4500, max_price=4600)["total"], 1)
        self.assertEqual(search(q=word, max_price=2000)["total"], 0)

    def test_unpublished_and_draft_products_never_appear(self):
        word = made_up_word()
        draft, _ = new_product(word, status="draft")
        time.sleep(VISIBLE_WITHIN_S)
        self.assertEqual(search(q=word)["total"], 0, "a draft was indexed")
        published, etag = new_product(word)
        self.assertTrue(wait_for(lambda: search(q=word)["total"] == 1, VISIBLE_WITHIN_S)[0])
        reply = staff("POST", f"/api/v1/admin/products/{published['id']}/unpublish", headers={"If-Match": etag})
        self.assertEqual(reply.status, 200, reply.text)
        gone, took = wait_for(lambda: search(q=word)["total"] == 0, VISIBLE_WITHIN_S)
        self.assertTrue(gone, f"still searchable {took:.2f} s after unpublishing")
        self.assertNotIn(draft["slug"], [i["slug"] for i in search(q="lantern", limit=100)["items"]])


class Quality(SearchCase):
    def test_typo_returns_corrected_results(self):
        name = api("GET", "/api/v1/products?limit=1&sort=name").json()["items"][0]["name"]
        word = max(name.split(), key=len).lower()
        at = len(word) // 2
        typo = word[:at] + ("e" if word[at] == "a" else "a") + word[at + 1:]
        result = search(q=typo)
        self.assertEqual(result["did_you_mean"], word)
        self.assertTrue(result["corrected"])
        self.assertGreater(result["total"], 0)
        self.assertIn(name, [i["name"] for i in search(q=word, limit=100)["items"]])

    def test_facet_counts_match_filtered_totals(self):
        everything = search(limit=1)
        self.assertGreater(everything["total"], 0)
        for facet, param in (("category", "category"), ("brand", "brand")):
            values = everything["facets"][facet]
            self.assertTrue(values, f"no {facet} facet")
            for value in values[:3]:
                filtered = search(**{param: value["value"], "limit": 1})
                self.assertEqual(filtered["total"], value["count"], f"{facet}={value['value']}")
        for band in everything["facets"]["price"][:3]:
            params = {"min_price": band["min"], "limit": 1}
            if band.get("max") is not None:
                params["max_price"] = band["max"]
            self.assertEqual(search(**params)["total"], band["count"], band)

    def test_cursor_walk_has_no_duplicates(self):
        seen, cursor = [], None
        while True:
            params = {"q": "", "limit": 7, "sort": "price_asc"}
            if cursor:
                params["cursor"] = cursor
            page = search(**params)
            seen += [i["slug"] for i in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(len(seen), search(limit=1)["total"])

    def test_bad_parameters_are_400(self):
        for query in ("min_price=-1", "min_price=500&max_price=100", "sort=sideways", "limit=0", "limit=101",
                      "limit=abc", "cursor=forged", "q=" + "x" * 1000, "min_price=1.5"):
            with self.subTest(query=query[:40]):
                self.assertProblem(api("GET", "/api/v1/search?" + query), 400)


class Reindex(SearchCase):
    def test_reindex_while_serving_keeps_answering(self):
        word = made_up_word()
        new_product(word)
        self.assertTrue(wait_for(lambda: search(q=word)["total"] == 1, VISIBLE_WITHIN_S)[0])
        failures, stop = [], threading.Event()

        def hammer():
            while not stop.is_set():
                reply = api("GET", "/api/v1/search?q=lantern")
                if reply.status != 200:
                    failures.append(reply.status)

        worker = threading.Thread(target=hammer)
        worker.start()
        try:
            done = SERVER.cli("reindex")
        finally:
            stop.set()
            worker.join()
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertEqual(failures, [])
        self.assertTrue(wait_for(lambda: search(q=word)["total"] == 1, 5)[0])


def setup(server):
    server.create_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    seeded = server.cli("seed", "--demo", "--products", str(SEED_PRODUCTS))
    assert seeded.returncode == 0, (seeded.returncode, seeded.stdout, seeded.stderr)


def main():
    args = parse_args(("sqlite", "postgres"))
    return run_suite(args, sys.modules[__name__], "search", setup=setup)


if __name__ == "__main__":
    sys.exit(main())
