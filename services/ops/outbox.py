"""The outboxes as ops see them: each service's backlog and the rows the relay parked, which ops
send again (their attempts reset, the relay picks them up at once), audited."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from shared import audit
from shared.envelope import utcnow


@dataclass(frozen=True)
class Backlog:
    service: str
    waiting: int  # not yet sent, not parked
    oldest: datetime | None
    parked: int


def backlog(dbs: dict) -> list[Backlog]:
    """Per service: rows waiting to be sent (and since when) and rows parked."""
    found = []
    for service, db in dbs.items():
        t = db.outbox
        with db.engine.connect() as conn:
            waiting, oldest = conn.execute(select(func.count(), func.min(t.c.created_at)).where(
                t.c.sent_at.is_(None), t.c.parked_at.is_(None))).one()
            parked = conn.scalar(select(func.count()).where(t.c.parked_at.is_not(None),
                                                            t.c.sent_at.is_(None)))
        found.append(Backlog(service, waiting, oldest, parked))
    return found


def parked(dbs: dict, service: str | None = None, row_id: int | None = None) -> list[dict]:
    """The parked rows (never their bodies: they may carry sealed personal data), oldest first."""
    rows = []
    for name, db in dbs.items():
        if service and name != service:
            continue
        t = db.outbox
        query = select(t.c.id, t.c.message_id, t.c.type, t.c.routing_key, t.c.attempts,
                       t.c.last_error, t.c.parked_at).where(
            t.c.parked_at.is_not(None), t.c.sent_at.is_(None)).order_by(t.c.parked_at, t.c.id)
        if row_id is not None:
            query = query.where(t.c.id == row_id)
        with db.engine.connect() as conn:
            rows += [{**r._mapping, "service": name} for r in conn.execute(query)]
    return rows


def retry(dbs: dict, who, service: str | None = None, row_id: int | None = None) -> int:
    """Unpark the chosen rows so the relay sends them now; how many."""
    total = 0
    for name, db in dbs.items():
        if service and name != service:
            continue
        t = db.outbox
        where = [t.c.parked_at.is_not(None), t.c.sent_at.is_(None)]
        if row_id is not None:
            where.append(t.c.id == row_id)
        with db.uow() as uow:
            ids = list(uow.session.scalars(select(t.c.message_id).where(*where)))
            if not ids:
                continue
            uow.session.execute(update(t).where(*where).values(
                parked_at=None, attempts=0, next_attempt_at=utcnow()))
            audit.record(uow, who, "outbox.retried", "outbox", name, detail={
                "count": len(ids), "message_ids": ids[:200]})
            uow.commit()
        total += len(ids)
    return total
