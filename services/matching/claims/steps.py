"""A claim's steps after it is made: released (and reinstated), fulfilled, confirmed or
disputed; each announced, and told to whom it concerns."""
from __future__ import annotations

import hashlib

from sqlalchemy import update

from services.matching.claims.announce import emit
from services.matching.claims.rules import EVENTS, STEPS, WISH_TAKEN, reinstate_problems
from services.matching.errors import InvalidState, NotFound
from services.matching.models import Claim, ProofPhoto, Wish
from services.matching.notices.actions import tell_liaisons, tell_released, tell_serving
from services.matching.stories.rules import is_story
from shared.envelope import new_id, utcnow
from shared.photos import decode
from shared.pii import mask_typed


def release(uow, claim_id: str, by: str, reason: str, note: str | None = None) -> Claim:
    """The claimer gives the wish up (or its liaison takes it back), saying why: it is back on
    the wall."""
    c = _step(uow, "release", claim_id, released_at=utcnow(), released_by=by,
              release_reason=reason, release_note=note)
    tell_released(uow, c, by)
    return c


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


def fulfil(uow, claim_id: str, note: str | None, photos: list[dict] = (),
           sealer=None) -> Claim:
    """The claimer reports the wish done, with up to three photos (checked at the edge, sealed
    here); the community's liaisons are asked to confirm it."""
    c = _step(uow, "fulfil", claim_id, fulfilled_at=utcnow(), note=note)
    for photo in photos:
        raw = decode(photo["data"])
        uow.session.add(ProofPhoto(id=new_id(), claim_id=c.id, content_type=photo["content_type"],
                                   size=len(raw), sha256=hashlib.sha256(raw).hexdigest(),
                                   data_sealed=sealer.seal(photo["data"]),
                                   created_at=c.fulfilled_at))
    tell_liaisons(uow, c, "liaison.fulfilled", f"fulfilled:{c.id}:{c.fulfilled_at.isoformat()}")
    return c


def confirm(uow, claim_id: str) -> Claim:
    """The liaison or the wisher confirms the deed; scoring awards points for it. The phone the
    wisher let the claimer have is dropped; with their consent to publicity the deed becomes a
    圆梦 story."""
    c = _step(uow, "confirm", claim_id, confirmed_at=utcnow())
    wish = uow.session.get(Wish, c.wish_id, populate_existing=True)
    wish.phone_sealed = None  # the consent stays on record; the phone is of no more use
    if is_story(wish.publicity, c.status):
        wish.story_at = c.confirmed_at
    tell_serving(uow, c, "claim.confirmed", f"confirmed:{c.id}")
    return c


def dispute(uow, claim_id: str, reason: str) -> Claim:
    """The liaison or the wisher says the deed reported done is not: the claim goes back to the
    claimer with why (any phone or ID number in the words masked for them)."""
    c = _step(uow, "dispute", claim_id, fulfilled_at=None, disputed_at=utcnow(),
              dispute_reason=reason)
    tell_serving(uow, c, "claim.disputed", f"disputed:{c.id}:{c.disputed_at.isoformat()}",
                 reason=mask_typed(reason))
    return c


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
