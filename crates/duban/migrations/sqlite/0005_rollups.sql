-- Roll-ups of casework: the additive counts of duban_core::casework::CaseCounts per day received,
-- unit, category and type (and per day, unit and place), kept in the same transaction as every
-- change of a request, so that the metrics of millions of requests sum a few thousand rows.
CREATE TABLE case_rollups (
    day TEXT NOT NULL,
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
    PRIMARY KEY (day, unit, category, request_type)
);
CREATE TABLE place_rollups (
    day TEXT NOT NULL,
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
    PRIMARY KEY (day, unit, place)
);
