-- Orders: what a shopper bought, at which prices, and everything that
-- happened to it since (DESIGN §4). Times are milliseconds since the Unix
-- epoch; money is in minor units of `currency`. One script serves both dialects.

-- One row per order. status follows the state machine in
-- src/modules/orders/src/order_status.cpp; every change is a conditional
-- UPDATE on the status it leaves and a row in orders_timeline.
CREATE TABLE orders_orders (
  id               TEXT   NOT NULL PRIMARY KEY,
  number           BIGINT NOT NULL UNIQUE,
  status           TEXT   NOT NULL CHECK (status IN ('PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED',
                                                   'EXPIRED', 'ON_HOLD', 'REFUNDED', 'PARTIALLY_REFUNDED')),
  customer_id      TEXT   NOT NULL DEFAULT '',   -- '' for a guest order
  email            TEXT   NOT NULL,
  cart_id          TEXT   NOT NULL,
  -- SHA-256 (hex) of the guest's one-time order token; '' for customers' orders.
  guest_token_hash TEXT   NOT NULL DEFAULT '',
  currency         TEXT   NOT NULL,
  subtotal         BIGINT NOT NULL CHECK (subtotal >= 0),
  shipping         BIGINT NOT NULL CHECK (shipping >= 0),
  tax              BIGINT NOT NULL CHECK (tax >= 0),
  total            BIGINT NOT NULL CHECK (total >= 0),
  prices_include_tax INTEGER NOT NULL,
  refunded         BIGINT NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= total),
  shipping_method  TEXT   NOT NULL,
  shipping_method_name TEXT NOT NULL,
  -- The destination, a snapshot: later edits of the address book do not move an order.
  ship_name        TEXT   NOT NULL,
  ship_line1       TEXT   NOT NULL,
  ship_line2       TEXT   NOT NULL DEFAULT '',
  ship_city        TEXT   NOT NULL,
  ship_postal_code TEXT   NOT NULL,
  ship_country     TEXT   NOT NULL,
  payment_id       TEXT   NOT NULL DEFAULT '',
  carrier          TEXT   NOT NULL DEFAULT '',
  tracking_number  TEXT   NOT NULL DEFAULT '',
  created_at_ms    BIGINT NOT NULL,
  updated_at_ms    BIGINT NOT NULL
);
-- The customer's history, newest first; the staff list by status and by date.
CREATE INDEX orders_orders_customer ON orders_orders (customer_id, created_at_ms, id);
CREATE INDEX orders_orders_status ON orders_orders (status, created_at_ms, id);
CREATE INDEX orders_orders_created ON orders_orders (created_at_ms, id);

-- The lines as sold: name, options and price are snapshots taken at checkout.
CREATE TABLE orders_lines (
  order_id     TEXT   NOT NULL REFERENCES orders_orders (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  sku          TEXT   NOT NULL,
  product_slug TEXT   NOT NULL,
  name         TEXT   NOT NULL,
  options      TEXT   NOT NULL,   -- JSON array of [name, value] pairs
  quantity     BIGINT NOT NULL CHECK (quantity > 0),
  unit_price   BIGINT NOT NULL CHECK (unit_price >= 0),
  line_total   BIGINT NOT NULL CHECK (line_total >= 0),
  PRIMARY KEY (order_id, position)
);

-- The audit trail: every status change and every notable fact, never updated.
-- id is a UUIDv7, so id order is time order.
CREATE TABLE orders_timeline (
  id          TEXT   NOT NULL PRIMARY KEY,
  order_id    TEXT   NOT NULL REFERENCES orders_orders (id) ON DELETE CASCADE,
  from_status TEXT   NOT NULL DEFAULT '',   -- '' when the status did not change
  to_status   TEXT   NOT NULL DEFAULT '',
  note        TEXT   NOT NULL,
  actor       TEXT   NOT NULL,             -- a user id, "customer", "guest" or "system"
  at_ms       BIGINT NOT NULL
);
CREATE INDEX orders_timeline_order ON orders_timeline (order_id, id);

-- Human order numbers: one counter row, advanced by a conditional UPDATE in
-- the order's own transaction, so numbers are unique and gaps only follow rollbacks.
CREATE TABLE orders_counters (
  name  TEXT   NOT NULL PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO orders_counters (name, value) VALUES ('order_number', 1000);
