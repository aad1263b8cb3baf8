-- Idempotency keys of state-changing API calls (platform/idempotency). A row
-- is a claim while status = 'running', then the stored first response.
-- Times are milliseconds since the Unix epoch.
CREATE TABLE platform_idempotency_keys (
  scope          TEXT    NOT NULL,
  idem_key       TEXT    NOT NULL,
  request_hash   TEXT    NOT NULL,
  status         TEXT    NOT NULL CHECK (status IN ('running', 'done')),
  response_code  INTEGER NOT NULL DEFAULT 0,
  content_type   TEXT    NOT NULL DEFAULT '',
  location       TEXT    NOT NULL DEFAULT '',
  body           TEXT    NOT NULL DEFAULT '',
  created_at_ms  BIGINT  NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
-- Prune's range.
CREATE INDEX platform_idempotency_keys_created ON platform_idempotency_keys (created_at_ms);
