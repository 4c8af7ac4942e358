-- Signed-in sessions (page cookies) and API tokens. The token is a 256-bit random value; each
-- session carries its CSRF token for forms. expires_at is RFC 3339 text.
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
