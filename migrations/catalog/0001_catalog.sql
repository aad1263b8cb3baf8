-- Catalog: categories (a tree), brands, products with their variants and
-- images. Times are milliseconds since the Unix epoch; prices are integer
-- minor units of shop.currency. Options and attributes are JSON text (ordered
-- [[name, value], ...]) because they are only ever read whole.

CREATE TABLE catalog_categories (
  id          TEXT    NOT NULL PRIMARY KEY,
  parent_id   TEXT    NULL REFERENCES catalog_categories (id) ON DELETE RESTRICT,
  slug        TEXT    NOT NULL UNIQUE,
  name        TEXT    NOT NULL,
  description TEXT    NOT NULL DEFAULT '',
  position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalog_categories_parent ON catalog_categories (parent_id, position);

CREATE TABLE catalog_brands (
  id   TEXT NOT NULL PRIMARY KEY,
  slug TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);

CREATE TABLE catalog_products (
  id              TEXT    NOT NULL PRIMARY KEY,
  slug            TEXT    NOT NULL UNIQUE,
  name            TEXT    NOT NULL,
  -- lower(name): the name sort must not depend on the database's collation.
  sort_name       TEXT    NOT NULL,
  description     TEXT    NOT NULL DEFAULT '',
  category_id     TEXT    NULL REFERENCES catalog_categories (id) ON DELETE RESTRICT,
  brand_id        TEXT    NULL REFERENCES catalog_brands (id) ON DELETE RESTRICT,
  status          TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published')),
  seo_title       TEXT    NOT NULL DEFAULT '',
  seo_description TEXT    NOT NULL DEFAULT '',
  attributes      TEXT    NOT NULL DEFAULT '[]',
  -- The cheapest variant's price, kept up to date by every variant write, so
  -- price sorts are one index scan.
  min_price       BIGINT  NOT NULL DEFAULT 0,
  created_at_ms   BIGINT  NOT NULL,
  updated_at_ms   BIGINT  NOT NULL,
  version         BIGINT  NOT NULL DEFAULT 1
);
CREATE INDEX catalog_products_newest ON catalog_products (status, created_at_ms, id);
CREATE INDEX catalog_products_category_newest ON catalog_products (status, category_id, created_at_ms, id);
CREATE INDEX catalog_products_price ON catalog_products (status, min_price, id);
CREATE INDEX catalog_products_category_price ON catalog_products (status, category_id, min_price, id);
CREATE INDEX catalog_products_name ON catalog_products (status, sort_name, id);
CREATE INDEX catalog_products_category_name ON catalog_products (status, category_id, sort_name, id);
CREATE INDEX catalog_products_brand ON catalog_products (brand_id);

CREATE TABLE catalog_variants (
  id                TEXT    NOT NULL PRIMARY KEY,
  product_id        TEXT    NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
  sku               TEXT    NOT NULL UNIQUE,
  options           TEXT    NOT NULL DEFAULT '[]',
  price_amount      BIGINT  NOT NULL CHECK (price_amount >= 0),
  compare_at_amount BIGINT  NULL CHECK (compare_at_amount IS NULL OR compare_at_amount >= 0),
  weight_grams      BIGINT  NOT NULL DEFAULT 0 CHECK (weight_grams >= 0),
  position          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalog_variants_product ON catalog_variants (product_id, position);

CREATE TABLE catalog_images (
  id          TEXT    NOT NULL PRIMARY KEY,
  product_id  TEXT    NOT NULL REFERENCES catalog_products (id) ON DELETE CASCADE,
  -- Paths under <data_dir>/media, served at /media/<path>.
  path        TEXT    NOT NULL,
  small_path  TEXT    NOT NULL,
  large_path  TEXT    NOT NULL,
  alt         TEXT    NOT NULL DEFAULT '',
  width       INTEGER NOT NULL,
  height      INTEGER NOT NULL,
  position    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX catalog_images_product ON catalog_images (product_id, position);
CREATE INDEX catalog_products_updated ON catalog_products (updated_at_ms, id);
