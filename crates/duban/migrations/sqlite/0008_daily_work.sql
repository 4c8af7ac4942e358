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
ALTER TABLE matters ADD COLUMN standard TEXT;
-- Partial indexes where most rows (millions of requests) have nothing to find: every index a new
-- request enters costs its intake time.
CREATE UNIQUE INDEX matters_number ON matters(number, kind) WHERE kind <> 'request';
CREATE INDEX matters_assessed ON matters(assessed_on) WHERE assessed_on <> '9999-12-31';
DROP INDEX matters_status;
DROP INDEX matters_report;
CREATE INDEX matters_report ON matters(report_id) WHERE report_id IS NOT NULL;
-- The request queue among millions of requests: partial indexes, so that the ledger's queries
-- (kind IN the ledger's kinds) never pick them; by day received, by status and day (with what
-- the overdue view and the tabs' counts read), and by handling unit, status and day.
CREATE INDEX requests_opened ON matters(opened_on, id) WHERE kind = 'request';
CREATE INDEX requests_status_opened ON matters(status, opened_on, id, due_at, deadline, lead_unit_id) WHERE kind = 'request';
CREATE INDEX requests_unit_status_opened ON matters(lead_unit_id, status, opened_on, id) WHERE kind = 'request';
CREATE INDEX matters_parent ON matters(parent_id) WHERE parent_id IS NOT NULL;
-- The ledger's rows among millions of requests: in ledger-number order (each matter followed by
-- its sub-matters), with what its filters and the visibility rule read, so that a page of the
-- ledger is read from this index alone.
CREATE INDEX matters_ledger ON matters((COALESCE(parent_id, id)), id, kind, lead_unit_id, parent_id, level, status, deadline, progress, done_on, standard, section)
    WHERE kind IN ('target', 'task', 'project');
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
-- Roll-ups by month beside the daily ones: a year's figures sum twelve months' rows.
CREATE TABLE case_rollups_month (
    month TEXT NOT NULL,
    unit TEXT NOT NULL,
    category TEXT NOT NULL,
    request_type TEXT NOT NULL,
    received INTEGER NOT NULL,
    dispatched INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    replied INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    closed_on_time INTEGER NOT NULL,
    rated INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    basic INTEGER NOT NULL,
    solved_known INTEGER NOT NULL,
    solved INTEGER NOT NULL,
    reopened INTEGER NOT NULL,
    PRIMARY KEY (month, unit, category, request_type)
);
CREATE TABLE place_rollups_month (
    month TEXT NOT NULL,
    unit TEXT NOT NULL,
    place TEXT NOT NULL,
    received INTEGER NOT NULL,
    dispatched INTEGER NOT NULL,
    returned INTEGER NOT NULL,
    replied INTEGER NOT NULL,
    closed INTEGER NOT NULL,
    closed_on_time INTEGER NOT NULL,
    rated INTEGER NOT NULL,
    satisfied INTEGER NOT NULL,
    basic INTEGER NOT NULL,
    solved_known INTEGER NOT NULL,
    solved INTEGER NOT NULL,
    reopened INTEGER NOT NULL,
    PRIMARY KEY (month, unit, place)
);
INSERT INTO case_rollups_month SELECT substr(day, 1, 7), unit, category, request_type, SUM(received), SUM(dispatched), SUM(returned), SUM(replied), SUM(closed), SUM(closed_on_time), SUM(rated), SUM(satisfied), SUM(basic), SUM(solved_known), SUM(solved), SUM(reopened)
    FROM case_rollups GROUP BY substr(day, 1, 7), unit, category, request_type;
INSERT INTO place_rollups_month SELECT substr(day, 1, 7), unit, place, SUM(received), SUM(dispatched), SUM(returned), SUM(replied), SUM(closed), SUM(closed_on_time), SUM(rated), SUM(satisfied), SUM(basic), SUM(solved_known), SUM(solved), SUM(reopened)
    FROM place_rollups GROUP BY substr(day, 1, 7), unit, place;
