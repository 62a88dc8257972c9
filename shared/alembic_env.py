"""The body of every service's migrations/env.py: run online on the connection we are handed."""
from __future__ import annotations

from alembic import context


def run(target_metadata) -> None:
    connection = context.config.attributes["connection"]
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
