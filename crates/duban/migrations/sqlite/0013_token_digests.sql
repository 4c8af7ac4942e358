-- Tokens at rest are SHA-256 digests (hex), never the tokens themselves: a copy of the database
-- (a backup, a dump) holds no session or API key that works. Sessions are short-lived, so the
-- ones open now simply end (everyone signs in again); Open311 keys are kept and their digests
-- taken by the server at start (`hashed` marks the rows already digested).
DELETE FROM sessions;
ALTER TABLE api_keys ADD COLUMN hashed INTEGER NOT NULL DEFAULT 0;
