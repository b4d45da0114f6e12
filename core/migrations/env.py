"""Alembic's environment for the shared state: it runs on the connection `core.state.migrate` hands it, or on a new
one to the address in the config's attributes."""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine


def run() -> None:
    given = context.config.attributes.get("connection")
    if given is not None:
        context.configure(connection=given, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with create_engine(context.config.attributes["url"]).begin() as con:
        context.configure(connection=con, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


run()
