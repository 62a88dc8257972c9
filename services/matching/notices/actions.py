"""Writing a notice: in the transaction of what caused it, once per key."""
from __future__ import annotations

from datetime import datetime

from services.matching.models import Notice
from services.matching.notices.rules import deliver_at
from shared.envelope import new_id, utcnow
from shared.sql import insert_for


def notify(uow, key: str, recipient: str, kind: str, params: dict, urgent: bool = False,
           now: datetime | None = None) -> bool:
    """Write the notice named `key` unless it was written already (by an earlier scan, or by
    another worker at this moment); True when this call wrote it."""
    now = now or utcnow()
    table = Notice.__table__
    written = uow.session.execute(
        insert_for(uow.session.bind.dialect.name)(table)
        .values(id=new_id(), key=key, recipient=recipient, kind=kind, params=params,
                urgent=urgent, created_at=now, deliver_at=deliver_at(now, urgent), attempts=0)
        .on_conflict_do_nothing(index_elements=[table.c.key]).returning(table.c.id))
    return written.first() is not None


def liaisons_of(community_code: str) -> str:
    """The recipient that stands for a community's liaisons (the channel finds who they are)."""
    return f"liaisons:{community_code}"
