"""Publication: a verified wish waits for its community's meeting day, or opens at once when it
cannot wait; a liaison may open a scheduled wish now, or hold it and let it go again."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import delete, select

from services.matching.channel import actions as channel
from services.matching.config import Config
from services.matching.errors import InvalidState
from services.matching.models import Claim, ProofPhoto, Wish
from services.matching.publication import rules
from services.matching.stories.rules import publicity_counts
from shared import audit
from shared.clock import CHINA
from shared.envelope import utcnow
from shared.meeting_day import MeetingRule


def prefetch(uow, wish_ids: set[str]) -> None:
    """Which of a batch's wishes are on the wall already, in one query."""
    found = {w.id: w for w in uow.session.scalars(select(Wish).where(Wish.id.in_(wish_ids)))}
    uow.preload("wish", wish_ids, found)


def publish(uow, w, config: Config, rule: MeetingRule | None, now: datetime | None = None,
            known: bool = True) -> None:
    """Take in a verified wish (a WishVerified), once: schedule it for `rule`'s next meeting day
    and announce `wish.scheduled`, or open it at once (no meeting day, or urgent). A wish of a
    community matching does not know (`known` False) has no window either: the city at once."""
    if uow.lookup("wish", w.wish_id, lambda: uow.session.get(Wish, w.wish_id)) is not None:
        return
    now = (now or utcnow()).astimezone(timezone.utc)
    urgent = bool(w.urgent)
    opens = now if rule is None else rules.opens_at(now, rule, config.publication_hour, urgent)
    wish = Wish(
        id=w.wish_id, community_code=w.community_code, title=w.title,
        description=w.description, kind=w.kind, wisher_display=w.wisher_display,
        source=w.source, source_ref=w.source_ref, status="scheduled", opens_at=opens,
        contact_masked=w.contact_masked,
        submitted_by=w.submitted_by, category=w.category, skills=w.skills or [],
        service_standard=w.service_standard, urgent=urgent, wish_type=w.wish_type or "individual",
        capacity=config.team_capacity if w.wish_type == "team" else None,
        deadline=date.fromisoformat(w.deadline) if w.deadline else None,
        share_phone=bool((w.consents or {}).get("share_phone")) and w.phone_sealed is not None,
        phone_sealed=w.phone_sealed if (w.consents or {}).get("share_phone") else None,
        publicity=publicity_counts(w.consents),
    )
    uow.session.add(wish)
    uow.remember("wish", w.wish_id, wish)
    if opens <= now:
        open_(uow, wish, config, now, batch=None, window_hours=None if known else 0)
        return
    uow.emit("wish.scheduled", {"wish_id": wish.id, "community_code": wish.community_code,
                               "opens_at": opens.isoformat(), "source": wish.source,
                               "source_ref": wish.source_ref}, correlation_id=wish.id)


def open_(uow, wish: Wish, config: Config, now: datetime, batch: str | None,
          window_hours: float | None = None) -> None:
    """Put a scheduled wish on the wall, first for its community (for `window_hours`, by default
    its district's); announce `wish.published`."""
    wish.status, wish.published_at, wish.batch = "published", now, batch
    if window_hours is None:
        window_hours = config.window_for(wish.community_code, wish.urgent)
    wish.citywide_at = rules.citywide_at(now, window_hours)
    uow.emit("wish.published", {
        "wish_id": wish.id, "community_code": wish.community_code, "title": wish.title,
        "source": wish.source, "source_ref": wish.source_ref, "batch": batch,
        "citywide_at": wish.citywide_at.isoformat()}, correlation_id=wish.id)


def batch_of(wish: Wish) -> str:
    """The meeting-day batch a scheduled wish opens with: its community and the day."""
    return f"{wish.community_code}:{wish.opens_at.astimezone(CHINA).date().isoformat()}"


def open_due(db, config: Config, limit: int = 200, now: datetime | None = None) -> int:
    """Open the scheduled wishes whose time has come, oldest first, in one commit; how many.
    Rows another worker is opening are skipped, not waited for: each opens exactly once."""
    now = (now or utcnow()).astimezone(timezone.utc)
    with db.uow() as uow:
        due = uow.session.scalars(
            select(Wish).where(Wish.status == "scheduled", Wish.held.is_(False),
                               Wish.opens_at <= now)
            .order_by(Wish.opens_at, Wish.id).limit(limit).with_for_update(skip_locked=True)
        ).all()
        for wish in due:
            open_(uow, wish, config, now, batch_of(wish))
        uow.commit()
    return len(due)


def announce_citywide(db, limit: int = 200, now: datetime | None = None) -> int:
    """Announce `wish.opened_citywide` for the wishes whose community window has closed, once
    each (skipping the rows another worker holds); how many."""
    now = (now or utcnow()).astimezone(timezone.utc)
    with db.uow() as uow:
        closed = uow.session.scalars(
            select(Wish).where(Wish.citywide_announced.is_(False), Wish.citywide_at <= now)
            .order_by(Wish.citywide_at, Wish.id).limit(limit).with_for_update(skip_locked=True)
        ).all()
        for wish in closed:
            wish.citywide_announced = True
            uow.emit("wish.opened_citywide", {"wish_id": wish.id,
                                              "community_code": wish.community_code},
                     correlation_id=wish.id)
        uow.commit()
    return len(closed)


def open_all_due(db, config: Config) -> int:
    """The publication job: open due wishes batch after batch until none is left, then announce
    the community windows that closed."""
    total = 0
    while (opened := open_due(db, config)) > 0:
        total += opened
    while announce_citywide(db) > 0:
        pass
    return total


# A liaison's hand on a scheduled wish: open it now, hold it back, or let the schedule take it.
def publish_now(uow, who, wish: Wish, config: Config) -> None:
    _require_scheduled(wish)
    open_(uow, wish, config, utcnow(), batch=None)
    audit.record(uow, who, "publication.published_now", "wish", wish.id, wish.community_code)


def hold(uow, who, wish: Wish) -> None:
    _require_scheduled(wish)
    wish.held = True
    audit.record(uow, who, "publication.held", "wish", wish.id, wish.community_code)


def resume(uow, who, wish: Wish) -> None:
    """Let a held wish go: it opens with its batch, or at the next scan if that time is past."""
    _require_scheduled(wish)
    wish.held = False
    audit.record(uow, who, "publication.resumed", "wish", wish.id, wish.community_code)


def _require_scheduled(wish: Wish) -> None:
    if wish.status != "scheduled":
        raise InvalidState(wish.status)


def erase(uow, wish_id: str) -> None:
    """Intake erased the wisher's data after retention: drop our copies too, what was said
    about the wish on its claims' channels, the phone they let us tell and its 圆梦 story."""
    wish = uow.session.get(Wish, wish_id)
    if wish is not None:
        wish.wisher_display, wish.contact_masked, wish.description = "*", None, ""
        wish.share_phone, wish.phone_sealed = False, None
        wish.publicity, wish.story_at = False, None
    # the deed's photos show the wisher's home, often the wisher: they go too
    uow.session.execute(delete(ProofPhoto).where(ProofPhoto.claim_id.in_(
        select(Claim.id).where(Claim.wish_id == wish_id))))
    channel.erase(uow, wish_id)
    uow.forget_sent(wish_id)
