#!/usr/bin/env python3
"""Crash safety of the order lifecycle: the server kills itself with SIGKILL
(debug.crash_points) at a chosen point, is restarted on the same database,
and must converge — no order without its events, no lost or doubled
reservation, exactly one capture per paid order, the inventory invariant.

Points: after a checkout's reservation (inside the order's transaction); after the
provider's capture (before the payment is recorded); in the relay after the
payment_succeeded delivery (before it is marked done).

    crash_safety_test.py --binary shopd --source-dir . --backend sqlite|postgres
"""
import os
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import orders_api_test as shop  # noqa: E402  (cart, checkout and payment helpers)
from shopd_harness import Backend, ProblemAssertions, Server, parse_args  # noqa: E402

ARGS = None
BACKEND_ENV = {}
# Short enough to watch an orphan reservation expire, long enough for a
# restart; a crashed relay's lease runs out after 1 s, so its batch is
# redelivered soon after the restart.
FAST = {"SHOPD_ORDERS_RESERVATION_TTL_SECONDS": "8", "SHOPD_INVENTORY_SWEEP_INTERVAL_MS": "200",
        "SHOPD_EVENTS_POLL_INTERVAL_MS": "50", "SHOPD_EVENTS_LEASE_MS": "1000"}


def query(server, sql):
    """One scalar from the server's database (SQLite file or PostgreSQL)."""
    url = server.env.get("SHOPD_DATABASE_URL")
    if url:
        out = subprocess.run(["psql", url, "-tAc", sql], check=True, capture_output=True, text=True).stdout
        return int(out.strip() or 0)
    with sqlite3.connect(os.path.join(server.data_dir, "shop.db")) as db:
        return db.execute(sql).fetchone()[0]


class CrashTest(ProblemAssertions):
    def setUp(self):
        self.server = Server(ARGS, "crash", {**BACKEND_ENV, **FAST})
        self.server.create_admin(shop.STAFF_EMAIL, shop.STAFF_PASSWORD)
        self.server.start()
        shop.SERVER = self.server
        shop.TOKENS.clear()

    def tearDown(self):
        self.server.cleanup()

    def restart(self, crash_points=""):
        """Restarts on the same data, with `crash_points` armed (or none)."""
        self.server.stop()
        self.server.env["SHOPD_DEBUG_CRASH_POINTS"] = crash_points
        self.server.start()
        shop.TOKENS.clear()  # sessions lived in the embedded store

    def wait_dead(self, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.server.proc.poll() is not None:
                self.assertEqual(self.server.proc.returncode, -9, "the server should have been SIGKILLed")
                return
            time.sleep(0.05)
        self.fail("the armed crash point was never reached:\n" + self.server.output())

    def pay_through_a_crash(self, point):
        """Buys 2 of a new 5-unit SKU with `point` armed, waits for the crash,
        restarts unarmed and waits for PAID; returns (sku, order)."""
        # Armed first: the embedded key-value store (carts) does not outlive a restart.
        self.restart(point)
        sku = shop.new_product(5)
        order = shop.checkout(shop.new_cart([(sku, 2)])).json()
        try:
            shop.confirm(order)
        except OSError:
            pass  # the server may die before it answers
        self.wait_dead()
        self.restart()
        self.assertEqual(shop.wait_status(order, {"PAID"}, timeout=30), "PAID")
        return sku, order

    def assertConverged(self, sku, on_hand):
        level = shop.level(sku)
        self.assertEqual(level["on_hand"], on_hand)
        self.assertEqual(level["reserved"], 0)
        self.assertEqual(level["available"], on_hand)
        # Every order has the timeline row written with it (and with its
        # events); every event was delivered (delivered rows leave the
        # outbox), none dead-lettered; no reservation is left active.
        self.assertEqual(query(self.server,
                               "SELECT COUNT(*) FROM orders_orders o WHERE NOT EXISTS (SELECT 1 FROM orders_timeline t"
                               " WHERE t.order_id = o.id AND t.to_status = 'PENDING_PAYMENT')"), 0)
        deadline = time.time() + 10
        while query(self.server, "SELECT COUNT(*) FROM events_outbox") and time.time() < deadline:
            time.sleep(0.1)
        self.assertEqual(query(self.server, "SELECT COUNT(*) FROM events_outbox"), 0)
        self.assertEqual(query(self.server, "SELECT COUNT(*) FROM events_dead_letters"), 0)
        self.assertEqual(query(self.server, "SELECT COUNT(*) FROM inventory_reservations WHERE status = 'active'"), 0)
        # The ledger adds up to the levels.
        self.assertEqual(query(self.server, f"SELECT COALESCE(SUM(on_hand_delta), 0) FROM inventory_ledger"
                                            f" WHERE sku = '{sku}'"), on_hand)
        self.assertEqual(query(self.server, f"SELECT COALESCE(SUM(reserved_delta), 0) FROM inventory_ledger"
                                            f" WHERE sku = '{sku}'"), 0)

    def test_after_reservation_nothing_stays_reserved(self):
        # The reservation is written in the order's transaction, so the
        # crash before its commit leaves neither (the expiry sweep would
        # release an orphan, were there one).
        # Armed first: the embedded key-value store (carts) does not outlive a restart.
        self.restart("orders.after_reservation")
        sku = shop.new_product(5)
        cart_id = shop.new_cart([(sku, 2)])
        try:
            shop.checkout(cart_id)
        except OSError:
            pass  # the connection dies with the server
        self.wait_dead()
        self.restart()
        self.assertEqual(query(self.server, "SELECT COUNT(*) FROM orders_orders"), 0)
        # At once, not after the reservation's TTL: nothing was committed.
        self.assertEqual(query(self.server, "SELECT COUNT(*) FROM inventory_reservations"), 0)
        self.assertEqual(shop.level(sku)["reserved"], 0)
        self.assertConverged(sku, 5)
        # The shop still sells: a new cart checks out and is paid.
        order = shop.checkout(shop.new_cart([(sku, 2)])).json()
        shop.confirm(order)
        self.assertEqual(shop.wait_status(order, {"PAID"}), "PAID")
        self.assertConverged(sku, 3)

    def test_after_the_providers_capture_the_retry_does_not_charge_twice(self):
        sku, order = self.pay_through_a_crash("payments.after_provider_capture")
        payment = order["payment"]["id"]
        self.assertEqual(query(self.server, f"SELECT COUNT(*) FROM payments_gateway_operations"
                                            f" WHERE payment_id = '{payment}' AND kind = 'capture'"), 1)
        self.assertConverged(sku, 3)

    def test_in_the_relay_after_delivery_the_redelivery_changes_nothing(self):
        sku, order = self.pay_through_a_crash("events.after_delivery:payments.payment_succeeded.v1")
        # Let the relay deliver the event again, then count the effects.
        time.sleep(1.5)
        self.assertEqual(query(self.server, f"SELECT COUNT(*) FROM orders_timeline WHERE order_id = '{order['id']}'"
                                            f" AND to_status = 'PAID'"), 1)
        self.assertEqual(query(self.server, f"SELECT COUNT(*) FROM inventory_ledger WHERE order_id = '{order['id']}'"
                                            f" AND kind = 'commit'"), 1)
        payment = order["payment"]["id"]
        self.assertEqual(query(self.server, f"SELECT COUNT(*) FROM payments_gateway_operations"
                                            f" WHERE payment_id = '{payment}' AND kind = 'capture'"), 1)
        self.assertConverged(sku, 3)


def main():
    global ARGS, BACKEND_ENV
    ARGS = parse_args(("sqlite", "postgres"))
    with Backend(ARGS.backend, "crash") as backend:
        if backend.env is None:
            return backend.status
        BACKEND_ENV = dict(backend.env)
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(CrashTest)
        result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
        return 0 if result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
