"""Alembic's entry point: runs the revisions on the connection the advisor hands over
(``config.attributes["connection"]``), inside its transaction and migration lock."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - always run through advisor.store.pg_engine
    raise RuntimeError("run migrations through advisor.store.pg_engine.migrate(url)")
context.configure(connection=connection, target_metadata=None, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
