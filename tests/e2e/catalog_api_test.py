#!/usr/bin/env python3
"""End-to-end checks of the catalog API against the real binary: public
listing and pagination, product documents with ETags, drafts, the staff API
with If-Match, image uploads, and bad input that must change nothing.

    catalog_api_test.py --binary shopd --source-dir . --backend sqlite|postgres

The server is seeded with `shopd seed --demo --products 40` before it starts.
"""
import json
import os
import secrets
import struct
import sys
import time
import unittest
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from shopd_harness import Client, ProblemAssertions, parse_args, run_suite  # noqa: E402

SERVER = None
SEED_PRODUCTS = 40
IMAGE_LIMIT = 300_000
ADMIN_EMAIL = "catalog-admin@example.com"
ADMIN_PASSWORD = "admin-" + secrets.token_urlsafe(12)
_TOKENS = {}


def png_bytes(width=64, height=48, rgb=(200, 80, 40)):
    """A real PNG, written by hand (no imaging library needed)."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def admin_token():
    if "admin" not in _TOKENS:
        _TOKENS["admin"] = SERVER.login_token(ADMIN_EMAIL, ADMIN_PASSWORD)
    return _TOKENS["admin"]


def customer_token():
    if "customer" not in _TOKENS:
        email = f"shopper-{secrets.token_hex(4)}@example.com"
        password = "pw-" + secrets.token_urlsafe(12)
        reply = Client(SERVER).request("POST", "/api/v1/auth/register",
                                       json_body={"email": email, "password": password, "name": "Shopper"},
                                       headers={"Origin": SERVER.base_url})
        assert reply.status in (200, 201), (reply.status, reply.text)
        _TOKENS["customer"] = SERVER.login_token(email, password)
    return _TOKENS["customer"]


def api(method, path, body=None, token=None, headers=None, raw=None, content_type=None):
    return Client(SERVER).request(method, path, json_body=body, bearer=token, headers=headers, raw=raw,
                                  content_type=content_type)


def staff(method, path, body=None, headers=None, raw=None, content_type=None):
    return api(method, path, body, admin_token(), headers, raw, content_type)


def media_files():
    root = os.path.join(SERVER.data_dir, "media", "products")
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


def new_product(name=None, status="published", variants=None):
    name = name or f"Test Lamp {secrets.token_hex(3)}"
    sku = "T-" + secrets.token_hex(4).upper()
    body = {"name": name, "status": status, "description": "A lamp.",
            "variants": variants if variants is not None else [{"sku": sku, "price": 1999, "options": {"colour": "red"}}]}
    reply = staff("POST", "/api/v1/admin/products", body)
    assert reply.status == 201, (reply.status, reply.text)
    return reply.json(), reply.header("ETag")


def walk(query, limit):
    items, cursor, pages = [], None, 0
    while True:
        path = f"/api/v1/products?limit={limit}{query}" + (f"&cursor={cursor}" if cursor else "")
        reply = api("GET", path)
        assert reply.status == 200, (path, reply.status, reply.text)
        page = reply.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            return items, pages
        assert len(page["items"]) == limit
        assert pages < 1000


class PublicApi(ProblemAssertions):
    def test_categories_tree(self):
        reply = api("GET", "/api/v1/categories")
        self.assertEqual(reply.status, 200)
        tree = reply.json()["items"]
        self.assertGreaterEqual(len(tree), 8)
        self.assertTrue(any(c["children"] for c in tree))
        for c in tree:
            self.assertIsNone(c["parent_id"])
            for child in c["children"]:
                self.assertEqual(child["parent_id"], c["id"])

    def test_pagination_edges(self):
        one = api("GET", "/api/v1/products?limit=1").json()
        self.assertEqual(len(one["items"]), 1)
        self.assertIsNotNone(one["next_cursor"])
        hundred = api("GET", "/api/v1/products?limit=100").json()
        self.assertGreaterEqual(len(hundred["items"]), SEED_PRODUCTS)
        self.assertIsNone(hundred["next_cursor"])
        for bad in ("limit=0", "limit=101", "limit=abc", "limit=", "limit=1.5", "sort=cheapest",
                    "cursor=forged", "cursor=" + "A" * 40, "cursor="):
            body = self.assertProblem(api("GET", "/api/v1/products?" + bad), 400)
            self.assertTrue(body["errors"], bad)
        # A cursor of one sort is refused by another.
        by_name = api("GET", "/api/v1/products?limit=2&sort=name").json()["next_cursor"]
        self.assertProblem(api("GET", f"/api/v1/products?limit=2&sort=price_asc&cursor={by_name}"), 400)

    def test_walk_every_sort(self):
        everything = api("GET", "/api/v1/products?limit=100").json()["items"]
        total = {p["id"] for p in everything}
        for sort in ("newest", "price_asc", "price_desc", "name"):
            items, pages = walk(f"&sort={sort}", 7)
            ids = [p["id"] for p in items]
            self.assertEqual(len(ids), len(set(ids)), sort)  # no duplicates
            self.assertEqual(set(ids), total, sort)          # no gaps
            self.assertEqual(pages, (len(total) + 6) // 7, sort)
            if sort == "price_asc":
                prices = [min(v["price"]["amount"] for v in p["variants"]) for p in items]
                self.assertEqual(prices, sorted(prices))
            if sort == "name":
                names = [p["name"].lower() for p in items]
                self.assertEqual(names, sorted(names))
        cat = api("GET", "/api/v1/categories").json()["items"][0]
        items, _ = walk(f"&category={cat['slug']}", 3)
        allowed = {cat["slug"]} | {c["slug"] for c in cat["children"]}
        self.assertTrue(all(p["category"]["slug"] in allowed for p in items))
        self.assertProblem(api("GET", "/api/v1/products?category=no-such-category"), 404)

    def test_product_document_and_304(self):
        slug = api("GET", "/api/v1/products?limit=1").json()["items"][0]["slug"]
        reply = api("GET", f"/api/v1/products/{slug}")
        self.assertEqual(reply.status, 200)
        p = reply.json()
        for key in ("id", "slug", "name", "description", "category", "brand", "images", "variants", "seo"):
            self.assertIn(key, p)
        v = p["variants"][0]
        self.assertEqual(set(v["price"]), {"amount", "currency"})
        self.assertEqual(v["price"]["currency"], "EUR")
        self.assertIsInstance(v["available"], int)
        self.assertIn("compare_at_price", v)
        etag = reply.header("ETag")
        self.assertTrue(etag and etag.startswith('"v'))
        again = api("GET", f"/api/v1/products/{slug}", headers={"If-None-Match": etag})
        self.assertEqual(again.status, 304)
        self.assertEqual(again.body, b"")
        self.assertEqual(api("GET", f"/api/v1/products/{slug}", headers={"If-None-Match": '"v0-0"'}).status, 200)

    def test_malformed_and_missing_slugs(self):
        for bad in ("Bad_Slug", "a--b", "-x", "x" * 120, "%27%20OR%201%3D1"):
            self.assertProblem(api("GET", f"/api/v1/products/{bad}"), 400)
        self.assertProblem(api("GET", "/api/v1/products/no-such-product-here"), 404)

    def test_drafts_are_hidden(self):
        product, _ = new_product(status="draft")
        self.assertProblem(api("GET", f"/api/v1/products/{product['slug']}"), 404)
        listed = {p["id"] for p in walk("", 100)[0]}
        self.assertNotIn(product["id"], listed)
        self.assertEqual(api("GET", f"/p/{product['slug']}").status, 404)

    def test_etag_changes_after_stock_adjustment_and_edit(self):
        product, etag = new_product()
        slug, sku = product["slug"], product["variants"][0]["sku"]
        first = api("GET", f"/api/v1/products/{slug}")
        self.assertEqual(first.json()["variants"][0]["available"], 0)
        reply = staff("POST", f"/api/v1/admin/inventory/{sku}/adjustments", {"delta": 5, "reason": "received"})
        self.assertIn(reply.status, (200, 201), reply.text)
        deadline = time.time() + 15
        while time.time() < deadline:
            now = api("GET", f"/api/v1/products/{slug}")
            if now.header("ETag") != first.header("ETag"):
                break
            time.sleep(0.1)
        self.assertNotEqual(now.header("ETag"), first.header("ETag"))
        self.assertEqual(now.json()["variants"][0]["available"], 5)
        # The old ETag no longer matches: 200, not 304.
        self.assertEqual(api("GET", f"/api/v1/products/{slug}",
                             headers={"If-None-Match": first.header("ETag")}).status, 200)
        edited = staff("PATCH", f"/api/v1/admin/products/{product['id']}", {"name": "Renamed Lamp"},
                       headers={"If-Match": etag})
        self.assertEqual(edited.status, 200, edited.text)
        after = api("GET", f"/api/v1/products/{slug}")  # own write: no wait
        self.assertEqual(after.json()["name"], "Renamed Lamp")
        self.assertEqual(after.json()["slug"], slug)
        self.assertNotEqual(after.header("ETag"), now.header("ETag"))

    def test_storefront_pages(self):
        cat = api("GET", "/api/v1/categories").json()["items"][0]
        page = api("GET", f"/c/{cat['slug']}?sort=price_asc")
        self.assertEqual(page.status, 200)
        self.assertIn(cat["name"], page.text)
        product = api("GET", f"/api/v1/products?limit=1&category={cat['slug']}").json()["items"][0]
        self.assertIn(f"/p/{product['slug']}", page.text)
        sku = product["variants"][-1]["sku"]
        detail = api("GET", f"/p/{product['slug']}?sku={sku}")
        self.assertEqual(detail.status, 200)
        self.assertIn(f"SKU {sku}", detail.text)
        self.assertEqual(api("GET", "/c/no-such-category").status, 404)
        home = api("GET", "/")
        self.assertIn(f'href="/c/{cat["slug"]}"', home.text)


class AdminApi(ProblemAssertions):
    def test_access(self):
        self.assertProblem(api("GET", "/api/v1/admin/products"), 401)
        self.assertProblem(api("POST", "/api/v1/admin/products", {"name": "X"}), 401)
        self.assertProblem(api("GET", "/api/v1/admin/products", token=customer_token()), 403)
        self.assertProblem(api("POST", "/api/v1/admin/products", {"name": "X"}, token=customer_token()), 403)
        self.assertProblem(api("POST", "/api/v1/admin/products/x/images", raw=png_bytes(),
                               content_type="image/png", token=customer_token()), 403)
        self.assertEqual(Client(SERVER).request("GET", "/admin/products").status, 303)

    def test_if_match(self):
        product, etag = new_product()
        path = f"/api/v1/admin/products/{product['id']}"
        self.assertProblem(staff("PATCH", path, {"name": "No Precondition"}), 428)
        ok = staff("PATCH", path, {"description": "New words."}, headers={"If-Match": etag})
        self.assertEqual(ok.status, 200, ok.text)
        self.assertEqual(ok.json()["version"], product["version"] + 1)
        stale = staff("PATCH", path, {"name": "Stale Write"}, headers={"If-Match": etag})
        self.assertProblem(stale, 412)
        current = staff("GET", path).json()
        self.assertEqual(current["name"], product["name"])
        self.assertEqual(current["description"], "New words.")
        self.assertProblem(staff("POST", path + "/publish", headers={"If-Match": etag}), 412)
        self.assertProblem(staff("DELETE", path, headers={"If-Match": '"garbage"'}), 412)
        unpublished = staff("POST", path + "/unpublish", headers={"If-Match": ok.header("ETag")})
        self.assertEqual(unpublished.status, 200, unpublished.text)
        self.assertEqual(unpublished.json()["status"], "draft")
        self.assertProblem(api("GET", f"/api/v1/products/{product['slug']}"), 404)

    def test_variants(self):
        product, etag = new_product()
        path = f"/api/v1/admin/products/{product['id']}/variants"
        added = staff("POST", path, {"sku": "V-" + secrets.token_hex(4), "price": {"amount": 2599, "currency": "EUR"},
                                     "compare_at_price": 2999, "weight_grams": 300, "options": {"colour": "blue"}},
                      headers={"If-Match": etag})
        self.assertEqual(added.status, 200, added.text)
        body = added.json()
        self.assertEqual(len(body["variants"]), 2)
        self.assertEqual(body["variants"][1]["compare_at_price"], {"amount": 2999, "currency": "EUR"})
        dup = staff("POST", path, {"sku": product["variants"][0]["sku"], "price": 100},
                    headers={"If-Match": added.header("ETag")})
        self.assertProblem(dup, 409)
        sku = body["variants"][1]["sku"]
        changed = staff("PATCH", f"{path}/{sku}", {"price": 2199}, headers={"If-Match": added.header("ETag")})
        self.assertEqual(changed.status, 200, changed.text)
        self.assertEqual(changed.json()["variants"][1]["price"]["amount"], 2199)
        gone = staff("DELETE", f"{path}/{sku}", headers={"If-Match": changed.header("ETag")})
        self.assertEqual(gone.status, 200, gone.text)
        self.assertEqual(len(gone.json()["variants"]), 1)

    def test_bad_input_changes_nothing(self):
        existing, _ = new_product()
        before = walk("", 100)[0]
        staff_before = staff("GET", "/api/v1/admin/products?limit=100").json()["items"]
        cases = [
            ({"status": "published", "variants": []}, 400),                              # missing name
            ({"name": "Neg", "variants": [{"sku": "NEG-1", "price": -1}]}, 400),         # negative price
            ({"name": "Str", "variants": [{"sku": "STR-1", "price": "10"}]}, 400),       # wrong type
            ({"name": "Flt", "variants": [{"sku": "FLT-1", "price": 10.5}]}, 400),       # not an integer
            ({"name": 42}, 400),                                                           # wrong type
            ({"name": "Unknown", "colour": "red"}, 400),                                   # unknown field
            ({"name": "Bad status", "status": "live"}, 400),
            ({"name": "Bad sku", "variants": [{"sku": "has space", "price": 1}]}, 400),
            ({"name": "Cur", "variants": [{"sku": "CUR-1", "price": {"amount": 1, "currency": "USD"}}]}, 400),
            ({"name": "Dup", "variants": [{"sku": existing["variants"][0]["sku"], "price": 1}]}, 409),
            ({"name": "No cat", "category": "no-such-category"}, 400),
        ]
        for body, status in cases:
            reply = staff("POST", "/api/v1/admin/products", body)
            self.assertProblem(reply, status)
        dup_keys = staff("POST", "/api/v1/admin/products", raw='{"name": "A", "name": "B"}')
        self.assertProblem(dup_keys, 400)
        self.assertProblem(staff("POST", "/api/v1/admin/products", raw="{not json"), 400)
        self.assertProblem(staff("POST", "/api/v1/admin/products", raw="name=x",
                                 content_type="application/x-www-form-urlencoded"), 400)
        self.assertEqual(walk("", 100)[0], before)
        self.assertEqual(staff("GET", "/api/v1/admin/products?limit=100").json()["items"], staff_before)

    def test_categories_and_brands(self):
        name = f"Gadgets {secrets.token_hex(2)}"
        created = staff("POST", "/api/v1/admin/categories", {"name": name})
        self.assertEqual(created.status, 201, created.text)
        slug = created.json()["slug"]
        child = staff("POST", "/api/v1/admin/categories", {"name": name + " Mini", "parent": slug})
        self.assertEqual(child.status, 201, child.text)
        self.assertProblem(staff("DELETE", f"/api/v1/admin/categories/{slug}"), 409)  # has a child
        self.assertProblem(staff("POST", "/api/v1/admin/categories", {"name": ""}), 400)
        self.assertProblem(staff("POST", "/api/v1/admin/categories", {"name": "X", "parent": "nope-nope"}), 400)
        tree = api("GET", "/api/v1/categories").json()["items"]
        node = next(c for c in tree if c["slug"] == slug)
        self.assertEqual([c["slug"] for c in node["children"]], [child.json()["slug"]])
        brand = staff("POST", "/api/v1/admin/brands", {"name": f"Acme {secrets.token_hex(2)}"})
        self.assertEqual(brand.status, 201, brand.text)
        self.assertProblem(staff("POST", "/api/v1/admin/brands", {"name": 5}), 400)


class Images(ProblemAssertions):
    def test_upload_happy_path(self):
        product, _ = new_product()
        reply = staff("POST", f"/api/v1/admin/products/{product['id']}/images", raw=png_bytes(), content_type="image/png")
        self.assertEqual(reply.status, 201, reply.text)
        image = reply.json()["images"][0]
        self.assertEqual((image["width"], image["height"]), (64, 48))
        for url in (image["url"], image["small_url"], image["large_url"]):
            served = api("GET", url)
            self.assertEqual(served.status, 200, url)
            self.assertTrue(served.header("Content-Type").startswith("image/"), url)
        self.assertEqual(api("GET", image["small_url"]).body[:2], b"\xff\xd8")  # a JPEG thumbnail
        public = api("GET", f"/api/v1/products/{product['slug']}").json()
        self.assertEqual(public["images"][0]["url"], image["url"])

    def test_refused_uploads_store_nothing(self):
        product, _ = new_product()
        path = f"/api/v1/admin/products/{product['id']}/images"
        before = media_files()
        self.assertProblem(staff("POST", path, raw=b"\x00" * (IMAGE_LIMIT + 1), content_type="image/png"), 413)
        self.assertProblem(staff("POST", path, raw=b"GIF89a not really", content_type="image/png"), 400)
        self.assertProblem(staff("POST", path, raw=png_bytes()[:-30], content_type="image/png"), 400)
        self.assertProblem(staff("POST", path, raw=b"", content_type="image/jpeg"), 400)
        self.assertProblem(staff("POST", path, raw=png_bytes(), content_type="text/plain"), 415)
        self.assertProblem(staff("POST", "/api/v1/admin/products/00000000-0000-7000-8000-000000000000/images",
                                 raw=png_bytes(), content_type="image/png"), 404)
        self.assertEqual(media_files(), before)
        self.assertEqual(staff("GET", f"/api/v1/admin/products/{product['id']}").json()["images"], [])


def setup(server):
    server.create_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
    seeded = server.cli("seed", "--demo", "--products", str(SEED_PRODUCTS))
    assert seeded.returncode == 0, (seeded.returncode, seeded.stdout, seeded.stderr)


def main():
    args = parse_args(("sqlite", "postgres"))
    return run_suite(args, sys.modules[__name__], "catalog", setup=setup,
                     extra_env={"SHOPD_CATALOG_IMAGE_MAX_BYTES": str(IMAGE_LIMIT)})


if __name__ == "__main__":
    sys.exit(main())
