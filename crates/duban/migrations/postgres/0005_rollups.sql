-- Roll-ups of casework: the additive counts of duban_core::casework::CaseCounts per day received,
-- unit, category and type (and per day, unit and place), kept in the same transaction as every
-- change of a request, so that the metrics of millions of requests sum a few thousand rows.
CREATE TABLE case_rollups (
    day TEXT NOT NULL,
    unit TEXT NOT NULL,
    category TEXT NOT NULL,
    request_type TEXT NOT NULL,
    received BIGINT NOT NULL,
    dispatched BIGINT NOT NULL,
    returned BIGINT NOT NULL,
    replied BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    closed_on_time BIGINT NOT NULL,
    rated BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    basic BIGINT NOT NULL,
    solved_known BIGINT NOT NULL,
    solved BIGINT NOT NULL,
    reopened BIGINT NOT NULL,
    PRIMARY KEY (day, unit, category, request_type)
);
CREATE TABLE place_rollups (
    day TEXT NOT NULL,
    unit TEXT NOT NULL,
    place TEXT NOT NULL,
    received BIGINT NOT NULL,
    dispatched BIGINT NOT NULL,
    returned BIGINT NOT NULL,
    replied BIGINT NOT NULL,
    closed BIGINT NOT NULL,
    closed_on_time BIGINT NOT NULL,
    rated BIGINT NOT NULL,
    satisfied BIGINT NOT NULL,
    basic BIGINT NOT NULL,
    solved_known BIGINT NOT NULL,
    solved BIGINT NOT NULL,
    reopened BIGINT NOT NULL,
    PRIMARY KEY (day, unit, place)
);
