"""A column type for instants that reads back the same instant on PostgreSQL and SQLite."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


class Instant(TypeDecorator):
    """`timestamptz` on PostgreSQL; on SQLite, whose DateTime drops the offset and keeps the wall
    time (10:00+08:00 would read back as 10:00 UTC), stored in UTC and read back aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    # PostgreSQL keeps the offset itself: no processing at all there, not even a call per value
    # (a page of the wall reads two dozen of them).
    def bind_processor(self, dialect):
        return super().bind_processor(dialect) if dialect.name == "sqlite" else None

    def result_processor(self, dialect, coltype):
        return super().result_processor(dialect, coltype) if dialect.name == "sqlite" else None

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None or value.tzinfo is None or dialect.name != "sqlite":
            return value
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=timezone.utc)  # what SQLite kept is UTC (see above)


def as_utc(at: datetime) -> datetime:
    """`at` in UTC; a naive datetime (as SQLite hands back what was stored in UTC) taken as UTC."""
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)
