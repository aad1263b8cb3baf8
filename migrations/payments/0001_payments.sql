-- Payments: payment intents, their refunds, and the mock gateway's own state
-- (provider webhooks already applied are recorded in events_inbox under the
-- consumer "payments.webhook") (DESIGN §4 Payments). Amounts are
-- minor units of `currency`; times are milliseconds since the Unix epoch. One
-- script serves both dialects.

-- One intent per order. status_rank orders the states so every transition is
-- one conditional UPDATE "... WHERE status_rank < :new_rank": a late or
-- repeated provider message can only move an intent forward. SUCCEEDED and
-- CANCELED share the top rank, so neither ever replaces the other.
-- refund_pending + refunded is what refunds hold against the captured amount;
-- the CHECKs are the last line of defence behind the conditional UPDATE.
CREATE TABLE payments_intents (
  id               TEXT    NOT NULL PRIMARY KEY,
  order_id         TEXT    NOT NULL UNIQUE,
  status           TEXT    NOT NULL CHECK (status IN ('REQUIRES_PAYMENT_METHOD', 'REQUIRES_ACTION', 'AUTHORIZED',
                                                      'SUCCEEDED', 'CANCELED')),
  status_rank      INTEGER NOT NULL CHECK (status_rank BETWEEN 0 AND 3),
  amount           BIGINT  NOT NULL CHECK (amount > 0),
  currency         TEXT    NOT NULL,
  captured         BIGINT  NOT NULL DEFAULT 0 CHECK (captured >= 0),
  refunded         BIGINT  NOT NULL DEFAULT 0 CHECK (refunded >= 0),
  refund_pending   BIGINT  NOT NULL DEFAULT 0 CHECK (refund_pending >= 0),
  client_secret    TEXT    NOT NULL,
  last_error       TEXT    NOT NULL DEFAULT '',
  failed_attempts  INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  card_last4       TEXT    NOT NULL DEFAULT '',
  card_fingerprint TEXT    NOT NULL DEFAULT '',
  cancel_reason    TEXT    NOT NULL DEFAULT '',
  created_at_ms    BIGINT  NOT NULL,
  updated_at_ms    BIGINT  NOT NULL,
  CHECK (captured <= amount),
  CHECK (refunded <= captured),
  CHECK (refunded + refund_pending <= captured)
);

-- Each confirmation attempt's outcome, applied once: the synchronous answer
-- and the provider's webhook for the same attempt both try to insert it, and
-- only the first one counts a decline.
CREATE TABLE payments_attempts (
  attempt_key   TEXT   NOT NULL PRIMARY KEY,
  payment_id    TEXT   NOT NULL REFERENCES payments_intents (id),
  outcome       TEXT   NOT NULL CHECK (outcome IN ('authorized', 'requires_action', 'declined')),
  decline_code  TEXT   NOT NULL DEFAULT '',
  created_at_ms BIGINT NOT NULL
);

-- Refunds: PENDING → SUCCEEDED | FAILED, once.
CREATE TABLE payments_refunds (
  id            TEXT   NOT NULL PRIMARY KEY,
  payment_id    TEXT   NOT NULL REFERENCES payments_intents (id),
  amount        BIGINT NOT NULL CHECK (amount > 0),
  currency      TEXT   NOT NULL,
  status        TEXT   NOT NULL CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  reason        TEXT   NOT NULL DEFAULT '',
  failure       TEXT   NOT NULL DEFAULT '',
  actor         TEXT   NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX payments_refunds_payment ON payments_refunds (payment_id, created_at_ms, id);

-- The mock gateway's ledger of operations by idempotency key: the first
-- request with a key performs the operation and stores its answer; a repeat
-- gets that answer back and performs nothing (one charge per capture key).
CREATE TABLE payments_gateway_operations (
  idempotency_key TEXT   NOT NULL PRIMARY KEY,
  kind            TEXT   NOT NULL CHECK (kind IN ('authorize', 'capture', 'void', 'refund')),
  payment_id      TEXT   NOT NULL,
  amount          BIGINT NOT NULL DEFAULT 0 CHECK (amount >= 0),
  result          TEXT   NOT NULL,
  created_at_ms   BIGINT NOT NULL
);
CREATE INDEX payments_gateway_operations_payment ON payments_gateway_operations (payment_id, kind);

-- The mock gateway's durable webhook queue: a row is marked delivered once
-- the endpoint answered 2xx and retried with backoff until then, also after
-- a crash and restart.
CREATE TABLE payments_webhook_deliveries (
  event_id           TEXT    NOT NULL PRIMARY KEY,
  payload            TEXT    NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at_ms BIGINT  NOT NULL,
  delivered_at_ms    BIGINT  NULL,
  last_error         TEXT    NOT NULL DEFAULT '',
  created_at_ms      BIGINT  NOT NULL
);
CREATE INDEX payments_webhook_deliveries_due ON payments_webhook_deliveries (delivered_at_ms, next_attempt_at_ms);
