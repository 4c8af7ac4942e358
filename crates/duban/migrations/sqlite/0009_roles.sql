-- Roles as the work is divided: the 12345 hotline centre and the administrator join the office,
-- units and leaders; an account can be disabled (its sessions end); an audit log keeps sign-ins and
-- account changes. SQLite cannot change a CHECK in place: the users table is rebuilt, its rows
-- copied back under their ids inside this transaction (the timeline's references to users are
-- checked at commit, when every row is back).
PRAGMA defer_foreign_keys = ON;
CREATE TABLE users_copy AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('office', 'hotline', 'admin', 'unit', 'leader')),
    unit_id INTEGER REFERENCES units(id),
    disabled_at TEXT
);
INSERT INTO users (id, login, display_name, password_hash, role, unit_id)
    SELECT id, login, display_name, password_hash, role, unit_id FROM users_copy;
DROP TABLE users_copy;
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    login TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    address TEXT NOT NULL
);
