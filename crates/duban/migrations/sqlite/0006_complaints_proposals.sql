-- Inspection complaints (督察信访件), imported in batches from the inspection team's list, and
-- deputies' proposals (议案/建议/提案) with their proposers and session. Both are matters; these
-- tables hold what is their own and what the public ledgers show.
CREATE TABLE complaints (
    matter_id INTEGER PRIMARY KEY REFERENCES matters(id),
    number TEXT NOT NULL UNIQUE,
    batch TEXT NOT NULL,
    content TEXT NOT NULL,
    assigned_on TEXT NOT NULL
);
CREATE TABLE proposals (
    matter_id INTEGER PRIMARY KEY REFERENCES matters(id),
    number TEXT NOT NULL UNIQUE,
    session TEXT NOT NULL,
    proposal_kind TEXT NOT NULL,
    proposers TEXT NOT NULL,
    content TEXT NOT NULL,
    confidential INTEGER NOT NULL,
    filed_on TEXT NOT NULL
);
