-- The daily work at a district's scale. Matters get a human ledger number (2019-001; sub-matters
-- 2019-001-1) and the columns lists filter, sort and page on in SQL: the day opened, the day done,
-- the report section, the moment due (hour limits), and the warning as last assessed (level,
-- progress, the day assessed: '' when a change made it stale; closed matters are never stale).
-- `notes` gathers the words of the timeline for keyword search. Reports know which report they
-- are a new version of. Issued bulletins are kept as issued.
ALTER TABLE matters ADD COLUMN number TEXT;
ALTER TABLE matters ADD COLUMN opened_on TEXT;
ALTER TABLE matters ADD COLUMN done_on TEXT;
ALTER TABLE matters ADD COLUMN section TEXT;
ALTER TABLE matters ADD COLUMN due_at TEXT;
ALTER TABLE matters ADD COLUMN level TEXT NOT NULL DEFAULT 'green';
ALTER TABLE matters ADD COLUMN progress REAL;
ALTER TABLE matters ADD COLUMN assessed_on TEXT NOT NULL DEFAULT '';
ALTER TABLE matters ADD COLUMN notes TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX matters_number ON matters(kind, number);
CREATE INDEX matters_assessed ON matters(assessed_on);
CREATE INDEX matters_kind_opened ON matters(kind, opened_on, id);
CREATE INDEX matters_kind_status_opened ON matters(kind, status, opened_on, id);
CREATE INDEX matters_parent ON matters(parent_id);
CREATE INDEX requests_number ON requests(number);
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
ALTER TABLE reports ADD COLUMN supersedes INTEGER REFERENCES reports(id);
ALTER TABLE reports ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE TABLE bulletins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    issuer TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    document BLOB NOT NULL,
    issued_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (year, number)
);
