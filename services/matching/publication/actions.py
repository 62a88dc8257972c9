"""Publication: a verified wish goes on the wall and is announced (meeting-day batches come later)."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from services.matching.models import Wish
from shared.envelope import utcnow


def prefetch(uow, wish_ids: set[str]) -> None:
    """Which of a batch's wishes are on the wall already, in one query."""
    found = {w.id: w for w in uow.session.scalars(select(Wish).where(Wish.id.in_(wish_ids)))}
    uow.preload("wish", wish_ids, found)


def publish(uow, w) -> None:
    """Put a verified wish (a WishVerified) on the wall at once, once; announce `wish.published`."""
    if uow.lookup("wish", w.wish_id, lambda: uow.session.get(Wish, w.wish_id)) is not None:
        return
    wish = Wish(
        id=w.wish_id, community_code=w.community_code, title=w.title,
        description=w.description, kind=w.kind, wisher_display=w.wisher_display,
        source=w.source, source_ref=w.source_ref, status="published",
        published_at=utcnow(), contact_masked=w.contact_masked,
        submitted_by=w.submitted_by, category=w.category, skills=w.skills or [],
        service_standard=w.service_standard, urgent=bool(w.urgent),
        deadline=date.fromisoformat(w.deadline) if w.deadline else None,
    )
    uow.session.add(wish)
    uow.remember("wish", w.wish_id, wish)
    uow.emit("wish.published", {"wish_id": w.wish_id, "community_code": w.community_code,
                                "title": w.title, "source": w.source,
                                "source_ref": w.source_ref}, correlation_id=w.wish_id)


def erase(uow, wish_id: str) -> None:
    """Intake erased the wisher's data after retention: drop our copies too."""
    wish = uow.session.get(Wish, wish_id)
    if wish is not None:
        wish.wisher_display, wish.contact_masked, wish.description = "*", None, ""
    uow.forget_sent(wish_id)
