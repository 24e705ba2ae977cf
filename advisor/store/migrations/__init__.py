"""Alembic migrations of the PostgreSQL schema (run by :func:`advisor.store.postgres.migrate`)."""
