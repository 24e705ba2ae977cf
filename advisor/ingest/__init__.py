"""Ingest: load -> clean -> split -> embed -> store."""
