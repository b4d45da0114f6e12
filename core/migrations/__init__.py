"""Alembic revisions of the shared state's PostgreSQL schema (state_url); SQLite files create their own on first use."""
