-- The account's credential epoch (see identity::User::credential_epoch): moved
-- from the key-value store onto the user row, so a password change and the
-- end of the account's sessions and tokens are one transaction, and checking
-- a session costs nothing beyond the user row every request loads anyway.
ALTER TABLE identity_users ADD COLUMN credential_epoch BIGINT NOT NULL DEFAULT 0;
