"""A claim's steps after it is made: released, fulfilled, confirmed; each announced."""
from __future__ import annotations

from sqlalchemy import update

from services.matching.claims.announce import emit
from services.matching.claims.rules import EVENTS, STEPS, WISH_TAKEN, reinstate_problems
from services.matching.errors import InvalidState, NotFound
from services.matching.models import Claim, Wish
from shared.envelope import utcnow


def release(uow, claim_id: str, by: str, reason: str, note: str | None = None) -> Claim:
    """The claimer gives the wish up (or its liaison takes it back), saying why: it is back on
    the wall."""
    return _step(uow, "release", claim_id, released_at=utcnow(), released_by=by,
                 release_reason=reason, release_note=note)


def reinstate(uow, claim_id: str) -> Claim:
    """A liaison undoes a release made by mistake, if nobody has taken the wish since."""
    c = uow.session.get(Claim, claim_id, populate_existing=True)
    if c is None:
        raise NotFound(claim_id)
    wish = uow.session.get(Wish, c.wish_id, populate_existing=True)
    problems = reinstate_problems(c.status, c.team, wish.status, wish.claim_id)
    # the wish's row decides a race with a claimer taking it at this very moment
    if not problems and uow.session.execute(
            update(Wish).where(Wish.id == wish.id, Wish.status == "published",
                               Wish.claim_id.is_(None))
            .values(status="claimed", claim_id=c.id).returning(Wish.id)
            .execution_options(synchronize_session=False)).first() is None:
        problems = [WISH_TAKEN]
    if problems:
        raise InvalidState(c.status, problems)
    c.status, c.released_at, c.reinstated_at = "claimed", None, utcnow()
    uow.session.refresh(wish)
    emit(uow, "wish.reinstated", c)
    return c


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
