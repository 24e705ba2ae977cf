"""Shared state for many workers: manifest, full-text index, journal, sentence cache,
profiles.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE docs (
            collection TEXT NOT NULL,
            doc_id TEXT NOT NULL,
            source TEXT NOT NULL,
            title TEXT NOT NULL,
            kind TEXT NOT NULL,
            origin TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            n_chunks INTEGER NOT NULL,
            added_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (collection, doc_id)
        );
        CREATE TABLE chunks (
            id TEXT PRIMARY KEY,
            collection TEXT NOT NULL,
            doc_id TEXT NOT NULL,
            ord INTEGER NOT NULL,
            text TEXT NOT NULL,
            tsv TSVECTOR GENERATED ALWAYS AS (to_tsvector('english', text)) STORED
        );
        CREATE INDEX chunks_doc ON chunks (collection, doc_id);
        CREATE INDEX chunks_tsv ON chunks USING GIN (tsv);
        CREATE TABLE pending (
            token BIGSERIAL PRIMARY KEY,
            collection TEXT NOT NULL,
            ids TEXT NOT NULL,
            created DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE sentence_vectors (
            key TEXT PRIMARY KEY,
            vec BYTEA NOT NULL
        );
        CREATE TABLE profiles (
            user_id TEXT PRIMARY KEY,
            body JSONB NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE profiles, sentence_vectors, pending, chunks, docs")
