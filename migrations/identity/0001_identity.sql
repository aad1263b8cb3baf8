-- Identity: accounts, the address book and single-use mailed tokens.
-- Times are milliseconds since the Unix epoch. Tokens are stored only as the
-- SHA-256 hex of the raw value, so a copy of this table grants nothing.

CREATE TABLE identity_users (
  id             TEXT    NOT NULL PRIMARY KEY,
  email          TEXT    NOT NULL UNIQUE,
  name           TEXT    NOT NULL,
  password_hash  TEXT    NOT NULL,
  role           TEXT    NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'staff', 'admin')),
  email_verified INTEGER NOT NULL DEFAULT 0 CHECK (email_verified IN (0, 1)),
  created_at_ms  BIGINT  NOT NULL,
  updated_at_ms  BIGINT  NOT NULL
);
-- Staff listing: newest first, keyset-paginated on (created_at_ms, id).
CREATE INDEX identity_users_created ON identity_users (created_at_ms, id);

CREATE TABLE identity_addresses (
  id            TEXT    NOT NULL PRIMARY KEY,
  user_id       TEXT    NOT NULL REFERENCES identity_users (id) ON DELETE CASCADE,
  name          TEXT    NOT NULL,
  line1         TEXT    NOT NULL,
  line2         TEXT    NOT NULL DEFAULT '',
  city          TEXT    NOT NULL,
  postal_code   TEXT    NOT NULL,
  country       TEXT    NOT NULL CHECK (LENGTH(country) = 2),
  phone         TEXT    NOT NULL DEFAULT '',
  is_default    INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  created_at_ms BIGINT  NOT NULL
);
CREATE INDEX identity_addresses_user ON identity_addresses (user_id, created_at_ms);

CREATE TABLE identity_tokens (
  token_hash    TEXT   NOT NULL PRIMARY KEY,
  purpose       TEXT   NOT NULL CHECK (purpose IN ('password_reset', 'email_verification')),
  user_id       TEXT   NOT NULL REFERENCES identity_users (id) ON DELETE CASCADE,
  email         TEXT   NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  used_at_ms    BIGINT NULL,
  created_at_ms BIGINT NOT NULL
);
-- "Invalidate this user's older unused tokens of a purpose".
CREATE INDEX identity_tokens_user ON identity_tokens (user_id, purpose);
