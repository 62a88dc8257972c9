"""A claim's steps after it is made: released, fulfilled, confirmed; each announced."""
from __future__ import annotations

from sqlalchemy import update

from services.matching.claims.announce import emit
from services.matching.claims.rules import EVENTS, STEPS
from services.matching.errors import InvalidState, NotFound
from services.matching.models import Claim, Wish
from shared.envelope import utcnow


def release(uow, claim_id: str) -> Claim:
    """The claimer gives the wish up (or its liaison takes it back): it is back on the wall."""
    return _step(uow, "release", claim_id, released_at=utcnow())


def fulfil(uow, claim_id: str, note: str | None) -> Claim:
    """The claimer reports the wish done."""
    return _step(uow, "fulfil", claim_id, fulfilled_at=utcnow(), note=note)


def confirm(uow, claim_id: str) -> Claim:
    """The liaison or the wisher confirms the deed; scoring awards points for it."""
    return _step(uow, "confirm", claim_id, confirmed_at=utcnow())


def _step(uow, step: str, claim_id: str, **stamps) -> Claim:
    """Move a claim (and its wish) one step on, only from the step it must be at; announce it."""
    before, after, wish_status = STEPS[step]
    moved = uow.session.execute(
        update(Claim).where(Claim.id == claim_id, Claim.status == before)
        .values(status=after, **stamps).returning(Claim.id)
        .execution_options(synchronize_session=False)
    ).first() is not None
    c = uow.session.get(Claim, claim_id, populate_existing=True)
    if c is None:
        raise NotFound(claim_id)
    if not moved:
        raise InvalidState(c.status)
    wish_values = {"status": wish_status, "places_left": 0}  # a group closes when it is done
    if after == "released":
        wish_values["claim_id"] = None
    uow.session.execute(update(Wish).where(Wish.id == c.wish_id).values(**wish_values)
                        .execution_options(synchronize_session=False))
    emit(uow, EVENTS[step], c)
    return c
