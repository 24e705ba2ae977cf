"""The SQLite manifest's tables (documents and chunks, FTS5, pending journal, sentence vectors) and
the migration that names the journal's token."""

SCHEMA = """
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS docs (
    collection TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    origin TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    n_chunks INTEGER NOT NULL,
    added_at REAL NOT NULL,
    PRIMARY KEY (collection, doc_id)
);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    collection TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    ord INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (collection, doc_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(
    text, content='chunks', content_rowid='rowid', tokenize='porter unicode61'
);
CREATE TRIGGER IF NOT EXISTS chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER IF NOT EXISTS chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts(chunks_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TABLE IF NOT EXISTS pending (
    token INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    ids TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    key TEXT PRIMARY KEY,
    vec BLOB NOT NULL
);
"""

# Journal tokens are the rowid; VACUUM keeps a rowid only when it is named, so a table
# made before the name was there gets it (the same rows, the same tokens).
NAMED_TOKEN = """
CREATE TABLE pending_named (
    token INTEGER PRIMARY KEY,
    collection TEXT NOT NULL,
    ids TEXT NOT NULL,
    created REAL NOT NULL
);
INSERT INTO pending_named(token, collection, ids, created)
    SELECT rowid, collection, ids, created FROM pending;
DROP TABLE pending;
ALTER TABLE pending_named RENAME TO pending;
"""
