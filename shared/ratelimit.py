"""Rate limits kept in the service's own database, so every replica counts together: fixed
windows, and growing waits after failures in a row."""
from __future__ import annotations

import functools
import math
import time

from sqlalchemy import (Column, Integer, MetaData, String, Table, bindparam, delete, func,
                        select)

from shared.sql import insert_for


def add_rate_limit_table(metadata: MetaData) -> Table:
    return Table(
        "rate_limits", metadata,
        Column("key", String(200), primary_key=True),
        Column("window_start", Integer, primary_key=True),
        Column("count", Integer, nullable=False),
    )


def create_rate_limit_table_v1(op) -> None:
    """The table as migration 0002 of intake and matching creates it (frozen: never edit)."""
    import sqlalchemy as sa

    op.create_table("rate_limits",
                    sa.Column("key", sa.String(200), primary_key=True),
                    sa.Column("window_start", sa.Integer, primary_key=True),
                    sa.Column("count", sa.Integer, nullable=False))


class RateLimit:
    """At most `limit` hits per `window` seconds for one key."""

    def __init__(self, engine, table: Table, limit: int, window: int):
        self.engine, self.table, self.limit, self.window = engine, table, limit, window
        self._hit = _upsert(engine.dialect.name, table)

    def _window(self, now: float | None) -> int:
        now = time.time() if now is None else now
        return int(now) // self.window * self.window

    def retry_after(self, now: float | None = None) -> int:
        now = time.time() if now is None else now
        return max(1, int(self._window(now) + self.window - now))

    def count(self, key: str, now: float | None = None) -> int:
        with self.engine.connect() as conn:
            return conn.scalar(select(self.table.c.count).where(
                self.table.c.key == key, self.table.c.window_start == self._window(now))) or 0

    def exceeded(self, key: str, now: float | None = None) -> bool:
        return self.count(key, now) >= self.limit

    def hit(self, key: str, now: float | None = None) -> int:
        """Count one hit in its own transaction (it must stick even if the request fails)."""
        with self.engine.begin() as conn:
            return self.hit_in(conn, key, now)

    def hit_in(self, conn, key: str, now: float | None = None) -> int:
        """Count one hit inside the caller's transaction (a session or a connection): it commits
        or rolls back with whatever else that transaction does. The key's row stays locked until
        then, so hits of one key queue behind each other."""
        return conn.execute(self._hit, self.hit_params(key, now)).scalar_one()

    @property
    def upsert(self):
        """The hit as a statement (RETURNING the count), for a caller that makes it part of a
        statement of its own; `hit_params` fills it in."""
        return self._hit

    def hit_params(self, key: str, now: float | None = None) -> dict:
        return {"key": key, "window_start": self._window(now)}


@functools.cache
def _upsert(dialect: str, table: Table):
    """One hit as a statement built once per table (a claim counts one on every attempt)."""
    stmt = insert_for(dialect)(table).values(key=bindparam("key"), window_start=bindparam("window_start"),
                                count=1)
    return stmt.on_conflict_do_update(
        index_elements=[table.c.key, table.c.window_start],
        set_={"count": table.c.count + 1}).returning(table.c.count)


class Backoff:
    """Growing waits for one key after `free` failures in a row: `first` seconds, doubling to `cap`.

    Each failure is counted in its second's row of the rate-limit table (`hit` with one-second
    windows); a success clears the key, and failures older than `forget` seconds stop counting.
    """

    def __init__(self, engine, table: Table, free: int, first: int, cap: int, forget: int):
        self.counter = RateLimit(engine, table, limit=free, window=1)
        self.engine, self.table = engine, table
        self.free, self.first, self.cap, self.forget = free, first, cap, forget

    def delay(self, failures: int) -> int:
        """How long `failures` in a row make the key wait after the last one."""
        if failures < self.free:
            return 0
        return min(self.cap, self.first * 2 ** min(failures - self.free, 32))

    def wait(self, key: str, now: float | None = None) -> int:
        """Seconds the key must still wait before its next try (0: it may try now)."""
        now = time.time() if now is None else now
        c = self.table.c
        with self.engine.connect() as conn:
            failures, last = conn.execute(select(func.sum(c.count), func.max(c.window_start)).where(
                c.key == key, c.window_start > now - self.forget)).one()
        if not failures:
            return 0
        # The last failure may have come at any moment of its second: count that second whole.
        delay = self.delay(failures)
        return max(0, math.ceil(last + 1 + delay - now)) if delay else 0

    def fail(self, key: str, now: float | None = None) -> None:
        """Count one failure, and drop this key's failures too old to count."""
        now = time.time() if now is None else now
        self.counter.hit(key, now)
        self._delete(key, self.table.c.window_start <= now - self.forget)

    def clear(self, key: str) -> None:
        """A success: the key starts afresh."""
        self._delete(key)

    def _delete(self, key: str, *conditions) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(self.table).where(self.table.c.key == key, *conditions))
