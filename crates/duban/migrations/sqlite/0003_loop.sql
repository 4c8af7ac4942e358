-- The rest of the closed loop: unit webhooks (DingTalk / WeCom group robots) with an outbox of
-- deliveries written in the same transaction as the reminder, evidence files kept in the ledger,
-- and special campaigns (专项督查).
ALTER TABLE units ADD COLUMN webhook_url TEXT;
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_id INTEGER NOT NULL REFERENCES units(id),
    url TEXT NOT NULL,
    payload TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    delivered_at TEXT,
    last_error TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX deliveries_pending ON deliveries(delivered_at, attempts);
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    matter_id INTEGER NOT NULL REFERENCES matters(id),
    name TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BLOB NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES users(id),
    uploaded_at TEXT NOT NULL
);
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    deadline TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE TABLE campaign_matters (
    campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
    matter_id INTEGER NOT NULL REFERENCES matters(id),
    PRIMARY KEY (campaign_id, matter_id)
);
