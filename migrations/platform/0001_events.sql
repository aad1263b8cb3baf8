-- Transactional outbox, per-aggregate sequences, consumer inbox and dead
-- letters (DESIGN §3). Times are milliseconds since the Unix epoch.

-- One row per event not yet delivered; delivered rows are deleted, so the
-- table stays small. lease_until_ms = 0 means not claimed.
CREATE TABLE events_outbox (
  id                 TEXT    NOT NULL PRIMARY KEY,
  type               TEXT    NOT NULL,
  occurred_at_ms     BIGINT  NOT NULL,
  aggregate_type     TEXT    NOT NULL,
  aggregate_id       TEXT    NOT NULL,
  aggregate_seq      BIGINT  NOT NULL,
  trace_id           TEXT    NOT NULL DEFAULT '',
  payload            TEXT    NOT NULL,
  attempts           INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms BIGINT  NOT NULL,
  lease_owner        TEXT    NOT NULL DEFAULT '',
  lease_until_ms     BIGINT  NOT NULL DEFAULT 0,
  last_error         TEXT    NOT NULL DEFAULT ''
);
-- The claim's "is there an earlier undelivered event of this aggregate?" probe.
CREATE UNIQUE INDEX events_outbox_aggregate ON events_outbox (aggregate_type, aggregate_id, aggregate_seq);
-- The claim's "which rows are due?" range.
CREATE INDEX events_outbox_due ON events_outbox (next_attempt_at_ms);

-- Last sequence number handed out per aggregate. The upsert that bumps it
-- also serialises writers of one aggregate, so sequence order is commit order.
CREATE TABLE events_aggregate_seq (
  aggregate_type TEXT   NOT NULL,
  aggregate_id   TEXT   NOT NULL,
  seq            BIGINT NOT NULL,
  PRIMARY KEY (aggregate_type, aggregate_id)
);

-- (consumer, event) pairs already handled: a redelivered event changes nothing.
CREATE TABLE events_inbox (
  consumer       TEXT   NOT NULL,
  event_id       TEXT   NOT NULL,
  recorded_at_ms BIGINT NOT NULL,
  PRIMARY KEY (consumer, event_id)
);
CREATE INDEX events_inbox_recorded ON events_inbox (recorded_at_ms);

-- Events that failed max_attempts times, kept for inspection and redrive.
CREATE TABLE events_dead_letters (
  id             TEXT    NOT NULL PRIMARY KEY,
  type           TEXT    NOT NULL,
  occurred_at_ms BIGINT  NOT NULL,
  aggregate_type TEXT    NOT NULL,
  aggregate_id   TEXT    NOT NULL,
  aggregate_seq  BIGINT  NOT NULL,
  trace_id       TEXT    NOT NULL DEFAULT '',
  payload        TEXT    NOT NULL,
  attempts       INTEGER NOT NULL,
  last_error     TEXT    NOT NULL,
  dead_at_ms     BIGINT  NOT NULL
);
