"""SQL that PostgreSQL and SQLite (the all-in-one's) both speak, said the same way for both."""
from __future__ import annotations


def insert_for(dialect: str):
    """The dialect's `insert`, which both give ON CONFLICT (upserts, and inserts made once)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert
