"""Sorting failures: the database down (hold everything), its own checks refusing a value (poison),
or something else (retry this message later) — and describing them without the values."""
from __future__ import annotations

from sqlalchemy import exc as sa_exc

# SQLSTATE classes that mean the database went away, not that this statement was wrong.
_GONE = ("08", "57", "53")  # connection exception, operator intervention, insufficient resources


class Unavailable(Exception):
    """The database (or what the handlers need) is down: nothing in a batch can be applied now."""


def is_unavailable(exc: BaseException) -> bool:
    if isinstance(exc, Unavailable):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated or isinstance(exc, sa_exc.InterfaceError):
            return True
        if isinstance(exc, sa_exc.OperationalError):
            state = getattr(exc.orig, "sqlstate", None)
            return state is None or state[:2] in _GONE  # SQLite's "locked" has no state: wait
        return False
    # A socket that failed, a registry that did not answer: OSError covers them (and TimeoutError).
    return isinstance(exc, (OSError, sa_exc.DisconnectionError, sa_exc.TimeoutError))


def is_invalid_data(exc: BaseException) -> bool:
    """The database refused a value (a NUL in text, too long for its column): retrying is futile."""
    return isinstance(exc, sa_exc.DataError)


def describe(exc: BaseException) -> str:
    """The failure's kind, never the SQL parameters (they may hold personal data)."""
    if isinstance(exc, sa_exc.StatementError) and exc.orig is not None:
        orig = exc.orig
        return f"{type(orig).__name__} {getattr(orig, 'sqlstate', '') or ''}".strip()
    return f"{type(exc).__name__}: {str(exc)[:200]}"
