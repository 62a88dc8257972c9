"""The escalation scan: published wishes nobody has claimed in time go to their community party
organisation (`wish.escalated`), whose liaisons are told; each once, however many workers."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, or_, select

from services.matching.escalation import rules
from services.matching.models import PUBLISHED, Wish
from services.matching.notices.actions import community_name, liaisons_of, notify
from shared.clock import CHINA
from shared.envelope import utcnow


def escalate(db, after_days: int, before_days: int, now: datetime | None = None,
             limit: int = 200) -> int:
    """Escalate the open wishes whose time has come (rows another worker holds are skipped);
    how many."""
    now = now or utcnow()
    open_since = func.coalesce(Wish.citywide_at, Wish.published_at)
    near = now.astimezone(CHINA).date() + timedelta(days=before_days)
    with db.uow() as uow:
        due = uow.session.scalars(
            select(Wish).where(PUBLISHED, Wish.claim_id.is_(None), Wish.escalated_at.is_(None),
                               or_(open_since <= now - timedelta(days=after_days),
                                   Wish.deadline <= near))
            .order_by(Wish.published_at, Wish.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        for wish in due:
            why = rules.escalation(wish.citywide_at or wish.published_at, wish.deadline, now,
                                   after_days, before_days)
            wish.escalated_at = now
            reasons = [{"code": why, "message": rules.ESCALATION_REASONS[why]}]
            uow.emit("wish.escalated", {"wish_id": wish.id, "community_code": wish.community_code,
                                        "reasons": reasons}, correlation_id=wish.id)
            notify(uow, f"escalated:{wish.id}", liaisons_of(wish.community_code),
                   "liaison.escalated",
                   {"title": wish.title, "reason": reasons[0]["message"],
                    "community_name": community_name(uow, wish.community_code)},
                   wish.urgent, now)
        uow.commit()
    return len(due)
