-- A confirmation in flight: set when an attempt begins, cleared when its
-- outcome is applied (or the provider was not reached), so a second confirm
-- of the same intent meanwhile is refused instead of authorising the card a
-- second time. A crashed attempt's lease runs out and the intent is payable
-- again.
ALTER TABLE payments_intents ADD COLUMN attempt_until_ms BIGINT NULL;
