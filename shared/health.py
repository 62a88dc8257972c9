"""Readiness: can this process reach its database and its broker, and how far behind is its relay.

The same answer for an HTTP app's /readyz and a worker's probe port (shared/probe.py)."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from kombu import Connection
from sqlalchemy import column, func, select, table, text

from shared.envelope import utcnow
from shared.failures import describe
from shared.timestamps import as_utc

log = logging.getLogger(__name__)

BROKER_TIMEOUT = 2.0  # seconds a probe waits for the broker before calling it down


@dataclass(frozen=True)
class OutboxState:
    backlog: int  # unsent, unparked rows
    oldest_age: float  # seconds since the oldest of them was written (0 when none)
    parked: int


def outbox_state(db) -> OutboxState:
    """Count the outbox's unsent and parked rows and age its oldest unsent one, in one query."""
    box = db.outbox
    waiting = box.c.sent_at.is_(None) & box.c.parked_at.is_(None)
    parked = box.c.sent_at.is_(None) & box.c.parked_at.is_not(None)
    with db.engine.connect() as conn:
        row = conn.execute(select(
            func.count().filter(waiting), func.min(box.c.created_at).filter(waiting),
            func.count().filter(parked))).one()
    oldest = 0.0
    if row[1] is not None:
        oldest = max(0.0, (utcnow() - as_utc(row[1])).total_seconds())
    return OutboxState(row[0], oldest, row[2])


def notices_pending(db) -> int:
    """Matching's notices neither sent nor given up (read by name: shared/ knows no service)."""
    notices = table("notices", column("sent_at"), column("failed_at"))  # the search path's
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(notices).where(
            notices.c.sent_at.is_(None), notices.c.failed_at.is_(None)))


def check_database(db) -> str | None:
    """None when the database answers, else what went wrong (never a parameter's value)."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        return describe(exc)
    return None


def check_broker(broker_url: str) -> str | None:
    """None when the broker accepts a connection (memory:// always does), else why not."""
    if broker_url.startswith("memory://"):
        return None
    try:
        with Connection(broker_url, connect_timeout=BROKER_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc)[:200]}"
    return None


def readiness(db, broker_url: str, extra: dict[str, str | None] | None = None) -> tuple[int, dict]:
    """(HTTP status, body): 200 when every dependency answers, else 503 naming what is down (why
    goes to the log only: the body may be read from outside)."""
    checks = {"database": check_database(db), "broker": check_broker(broker_url), **(extra or {})}
    body: dict = {"status": "ready", "service": db.service,
                  "checks": {name: "ok" if why is None else "down" for name, why in checks.items()}}
    down = {name: why for name, why in checks.items() if why is not None}
    if checks["database"] is None:
        try:
            state = outbox_state(db)
            body["relay"] = {"backlog": state.backlog, "oldest_age_seconds": round(state.oldest_age, 3),
                             "parked": state.parked}
        except Exception as exc:  # an outbox not migrated yet reads as a database not ready
            down["database"] = describe(exc)
            body["checks"]["database"] = "down"
    if down:
        log.warning("%s not ready: %s", db.service,
                    "; ".join(f"{name}: {why}" for name, why in sorted(down.items())))
        body["status"] = "not_ready"
        return 503, body
    return 200, body
