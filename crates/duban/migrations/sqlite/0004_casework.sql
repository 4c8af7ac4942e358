-- Casework: the public's requests (12345), with the caller's particulars kept apart from the matter's
-- state so that access to them is decided in the query; the category catalogue and the dispatch
-- catalogue (category and place → unit); keys of Open311 clients; and the system account that
-- public intake is recorded under (it cannot sign in: its hash is no password hash).
CREATE TABLE requests (
    matter_id INTEGER PRIMARY KEY REFERENCES matters(id),
    number TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    caller_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    phone_last4 TEXT NOT NULL,
    address TEXT NOT NULL,
    content TEXT NOT NULL,
    request_type TEXT NOT NULL,
    category TEXT NOT NULL,
    place TEXT,
    confidential INTEGER NOT NULL,
    lat REAL,
    lon REAL,
    received_on TEXT NOT NULL,
    received_at TEXT NOT NULL
);
CREATE INDEX requests_received ON requests(received_on);
CREATE INDEX requests_phone ON requests(phone, received_on);
CREATE TABLE categories (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent TEXT,
    description TEXT NOT NULL
);
CREATE TABLE dispatch_rules (
    category TEXT NOT NULL REFERENCES categories(code),
    place TEXT NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    PRIMARY KEY (category, place)
);
CREATE TABLE api_keys (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
INSERT INTO users (login, display_name, password_hash, role) VALUES ('public', '公众', '!', 'leader');
CREATE INDEX requests_place ON requests(place, received_on);
