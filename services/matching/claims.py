"""The wish's life on the wall: publish, claim (exactly one winner), fulfil, confirm."""
from __future__ import annotations

from sqlalchemy import update

from services.matching.models import Claim, Wish
from shared.envelope import new_id, utcnow


class WishNotFound(Exception):
    pass


class AlreadyClaimed(Exception):
    pass


class InvalidState(Exception):
    pass


def publish(uow, event) -> None:
    """A verified wish goes on the wall (meeting-day batches come later; for now, at once)."""
    w = event.payload
    if uow.session.get(Wish, w["wish_id"]) is not None:
        return
    uow.session.add(Wish(
        id=w["wish_id"], community_code=w["community_code"], title=w["title"],
        description=w["description"], kind=w["kind"], wisher_display=w["wisher_display"],
        source=w["source"], source_ref=w["source_ref"], status="published",
        published_at=utcnow(),
    ))
    uow.emit("wish.published", {"wish_id": w["wish_id"], "community_code": w["community_code"],
                                "title": w["title"], "source": w["source"],
                                "source_ref": w["source_ref"]}, correlation_id=w["wish_id"])


def claim(uow, wish_id: str, member_id: str) -> Claim:
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
    c = Claim(id=claim_id, wish_id=wish_id, member_id=member_id, status="claimed",
              claimed_at=utcnow())
    uow.session.add(c)
    _emit(uow, "wish.claimed", c)
    return c


def _advance(uow, claim_id: str, before: str, after: str, **stamps) -> Claim:
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
    uow.session.execute(update(Wish).where(Wish.id == c.wish_id).values(status=after)
                        .execution_options(synchronize_session=False))
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
    uow.emit(event_type, {"wish_id": c.wish_id, "claim_id": c.id, "member_id": c.member_id},
             correlation_id=c.wish_id)
