-- Roles as the work is divided: the 12345 hotline centre and the administrator join the office,
-- units and leaders; an account can be disabled (its sessions end); an audit log keeps sign-ins and
-- account changes. SQLite cannot change the users table's CHECK in place, and rebuilding it here,
-- inside the migration's transaction with foreign keys on, would check every event of the timeline
-- against it (minutes on a big ledger): the store rebuilds it right after the migrations, with
-- foreign keys off for that one transaction (`Store::widen_roles`).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor_id INTEGER REFERENCES users(id),
    login TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL,
    address TEXT NOT NULL
);
