-- Inventory: stock levels per SKU, reservations held for orders, and the
-- append-only ledger of every movement (DESIGN §4). Times are milliseconds
-- since the Unix epoch. One script serves both dialects.

-- One row per SKU and stock location. Only the location 'default' is used
-- today; keying on (sku, location_id) lets locations come later without a
-- table rewrite. The CHECKs are the last line of defence behind the
-- conditional UPDATEs: available = on_hand - reserved can never go negative.
CREATE TABLE inventory_stock (
  sku                 TEXT   NOT NULL,
  location_id         TEXT   NOT NULL DEFAULT 'default',
  on_hand             BIGINT NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
  reserved            BIGINT NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  low_stock_threshold BIGINT NULL CHECK (low_stock_threshold IS NULL OR low_stock_threshold >= 0),
  created_at_ms       BIGINT NOT NULL,
  updated_at_ms       BIGINT NOT NULL,
  CHECK (reserved <= on_hand),
  PRIMARY KEY (sku, location_id)
);

-- What one order holds. status moves active → released | committed | expired, once.
CREATE TABLE inventory_reservations (
  order_id      TEXT   NOT NULL PRIMARY KEY,
  status        TEXT   NOT NULL CHECK (status IN ('active', 'released', 'committed', 'expired')),
  expires_at_ms BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
-- The sweeper's "active and past expiry" range.
CREATE INDEX inventory_reservations_expiry ON inventory_reservations (status, expires_at_ms);

CREATE TABLE inventory_reservation_lines (
  order_id    TEXT   NOT NULL REFERENCES inventory_reservations (order_id) ON DELETE CASCADE,
  sku         TEXT   NOT NULL,
  location_id TEXT   NOT NULL DEFAULT 'default',
  quantity    BIGINT NOT NULL CHECK (quantity > 0),
  -- Units of a committed line put back on hand (returns); never more than sold.
  restocked   BIGINT NOT NULL DEFAULT 0 CHECK (restocked >= 0 AND restocked <= quantity),
  PRIMARY KEY (order_id, sku, location_id)
);

-- Every movement, never updated or deleted. id is a UUIDv7, so id order is time order.
CREATE TABLE inventory_ledger (
  id             TEXT   NOT NULL PRIMARY KEY,
  sku            TEXT   NOT NULL,
  location_id    TEXT   NOT NULL DEFAULT 'default',
  kind           TEXT   NOT NULL CHECK (kind IN ('receive', 'adjust', 'reserve', 'release', 'commit', 'restock')),
  on_hand_delta  BIGINT NOT NULL,
  reserved_delta BIGINT NOT NULL,
  on_hand_after  BIGINT NOT NULL,
  reserved_after BIGINT NOT NULL,
  reason         TEXT   NOT NULL,
  actor          TEXT   NOT NULL,
  order_id       TEXT   NOT NULL DEFAULT '',
  at_ms          BIGINT NOT NULL
);
-- A SKU's ledger, newest first, keyset-paginated on id.
CREATE INDEX inventory_ledger_sku ON inventory_ledger (sku, id);
