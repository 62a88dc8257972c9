"""The wish's life on the wall: publish, claim (exactly one winner), release, fulfil, confirm."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import update

from services.matching.models import Claim, Wish
from shared.envelope import new_id, utcnow


class WishNotFound(Exception):
    pass


class AlreadyClaimed(Exception):
    pass


class InvalidState(Exception):
    pass


@dataclass(frozen=True)
class Claimer:
    """Who claims: a member or an organisation's account, and the unit their points report to."""

    member_id: str
    unit_code: str | None = None


def publish(uow, event) -> None:
    """A verified wish goes on the wall (meeting-day batches come later; for now, at once)."""
    w = event.payload
    if uow.session.get(Wish, w["wish_id"]) is not None:
        return
    uow.session.add(Wish(
        id=w["wish_id"], community_code=w["community_code"], title=w["title"],
        description=w["description"], kind=w["kind"], wisher_display=w["wisher_display"],
        source=w["source"], source_ref=w["source_ref"], status="published",
        published_at=utcnow(), contact_masked=w.get("contact_masked"),
        submitted_by=w.get("submitted_by"), category=w.get("category"), skills=w.get("skills") or [],
        service_standard=w.get("service_standard"), urgent=bool(w.get("urgent")),
        deadline=date.fromisoformat(w["deadline"]) if w.get("deadline") else None,
    ))
    uow.emit("wish.published", {"wish_id": w["wish_id"], "community_code": w["community_code"],
                                "title": w["title"], "source": w["source"],
                                "source_ref": w["source_ref"]}, correlation_id=w["wish_id"])


def erase(uow, event) -> None:
    """Intake erased the wisher's data after retention: drop our copies too."""
    wish = uow.session.get(Wish, event.payload["wish_id"])
    if wish is not None:
        wish.wisher_display, wish.contact_masked, wish.description = "*", None, ""
    uow.forget_sent(event.payload["wish_id"])


def claim(uow, wish_id: str, claimer: Claimer) -> Claim:
    """Claim a published wish with one conditional UPDATE: of many racing claimers, one wins."""
    claim_id = new_id()
    won = uow.session.execute(
        update(Wish).where(Wish.id == wish_id, Wish.status == "published")
        .values(status="claimed", claim_id=claim_id).returning(Wish.id)
        .execution_options(synchronize_session=False)
    ).first() is not None
    if not won:
        if uow.session.get(Wish, wish_id) is None:
            raise WishNotFound(wish_id)
        raise AlreadyClaimed(wish_id)
    c = Claim(id=claim_id, wish_id=wish_id, member_id=claimer.member_id,
              unit_code=claimer.unit_code, status="claimed", claimed_at=utcnow())
    uow.session.add(c)
    _emit(uow, "wish.claimed", c)
    return c


def _advance(uow, claim_id: str, before: str, after: str, wish_status: str | None = None,
             **stamps) -> Claim:
    """Move a claim (and its wish) one step on, only from the step it must be at."""
    moved = uow.session.execute(
        update(Claim).where(Claim.id == claim_id, Claim.status == before)
        .values(status=after, **stamps).returning(Claim.id)
        .execution_options(synchronize_session=False)
    ).first() is not None
    c = uow.session.get(Claim, claim_id, populate_existing=True)
    if c is None:
        raise WishNotFound(claim_id)
    if not moved:
        raise InvalidState(c.status)
    wish_values = {"status": wish_status or after}
    if after == "released":
        wish_values["claim_id"] = None
    uow.session.execute(update(Wish).where(Wish.id == c.wish_id).values(**wish_values)
                        .execution_options(synchronize_session=False))
    return c


def release(uow, claim_id: str) -> Claim:
    """The claimer gives the wish up (or its liaison takes it back): it is back on the wall."""
    c = _advance(uow, claim_id, "claimed", "released", wish_status="published",
                 released_at=utcnow())
    _emit(uow, "wish.released", c)
    return c


def fulfil(uow, claim_id: str, note: str | None) -> Claim:
    """The claimer reports the wish done."""
    c = _advance(uow, claim_id, "claimed", "fulfilled", fulfilled_at=utcnow(), note=note)
    _emit(uow, "wish.fulfilled", c)
    return c


def confirm(uow, claim_id: str) -> Claim:
    """The liaison or the wisher confirms the deed; scoring awards points for it."""
    c = _advance(uow, claim_id, "fulfilled", "confirmed", confirmed_at=utcnow())
    _emit(uow, "wish.confirmed", c)
    return c


def _emit(uow, event_type: str, c: Claim) -> None:
    wish = uow.session.get(Wish, c.wish_id)
    uow.emit(event_type, {"wish_id": c.wish_id, "claim_id": c.id, "member_id": c.member_id,
                          "community_code": wish.community_code if wish else None,
                          "unit_code": c.unit_code}, correlation_id=c.wish_id)
