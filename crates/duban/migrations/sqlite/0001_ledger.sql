-- The ledger: units, users, adopted reports, matters with their current state, and the append-only
-- timeline. Dates are ISO text (YYYY-MM-DD) and timestamps RFC 3339 text in both dialects.
CREATE TABLE units (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL
);
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('office', 'unit', 'leader')),
    unit_id INTEGER REFERENCES units(id)
);
CREATE TABLE reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    jurisdiction TEXT,
    plan_year INTEGER,
    body TEXT NOT NULL,
    adopted_by INTEGER NOT NULL REFERENCES users(id),
    adopted_at TEXT NOT NULL
);
CREATE TABLE matters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    report_id INTEGER REFERENCES reports(id),
    parent_id INTEGER REFERENCES matters(id),
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    source_start INTEGER,
    source_end INTEGER,
    lead_unit_id INTEGER REFERENCES units(id),
    status TEXT NOT NULL,
    deadline TEXT,
    version INTEGER NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX matters_lead_unit ON matters(lead_unit_id);
CREATE INDEX matters_status ON matters(status);
CREATE INDEX matters_report ON matters(report_id);
CREATE TABLE matter_units (
    matter_id INTEGER NOT NULL REFERENCES matters(id),
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (matter_id, unit_id)
);
CREATE INDEX matter_units_unit ON matter_units(unit_id);
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    matter_id INTEGER NOT NULL REFERENCES matters(id),
    seq INTEGER NOT NULL,
    on_date TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES users(id),
    change TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (matter_id, seq)
);
