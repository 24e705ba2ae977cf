"""Alembic migrations of the PostgreSQL schema (run by :func:`advisor.store.pg_engine.migrate`)."""
