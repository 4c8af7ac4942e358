-- The knowledge base (知识库): answers the centre gives again and again, searched by the operator
-- and used to answer a request at once.
CREATE TABLE answers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    category TEXT,
    created_at TEXT NOT NULL
);
