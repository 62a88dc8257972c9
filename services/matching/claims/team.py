"""Group claims (帮帮团): members join a team wish's group until it is full and leave until it
is fulfilled; a liaison says how many the wish needs."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from services.matching.claims import steps
from services.matching.claims.announce import emit
from services.matching.claims.rules import capacity_problems, window_problem
from services.matching.errors import AlreadyClaimed, CommunityWindow, InvalidState, NotFound
from services.matching.models import Claim, TeamMember, Wish
from services.matching.publication.rules import may_claim
from shared.envelope import utcnow
from shared.errors import ApiError


def locked(uow, wish_id: str) -> Wish | None:
    """The wish, its row locked until commit: joins and leaves of one group go one at a time."""
    return uow.session.scalars(select(Wish).where(Wish.id == wish_id).with_for_update()
                               .execution_options(populate_existing=True)).first()


def active(uow, claim_id: str) -> list[TeamMember]:
    return list(uow.session.scalars(
        select(TeamMember).where(TeamMember.claim_id == claim_id, TeamMember.left_at.is_(None))
        .order_by(TeamMember.joined_at, TeamMember.member_id)))


def join(uow, wish: Wish, claimer, claim_id: str, now: datetime, round_: str | None,
         due: date) -> Claim:
    """The first member forms the wish's group (`wish.claimed`); later ones join while places
    are left; never beyond the capacity."""
    wish = locked(uow, wish.id)
    if not may_claim(claimer.community_code, wish.community_code, now, wish.citywide_at or now):
        raise CommunityWindow(wish.id, [window_problem(wish.citywide_at)])
    if wish.status != "published":
        raise AlreadyClaimed(wish.id)
    if wish.claim_id is None:
        c = Claim(id=claim_id, wish_id=wish.id, member_id=claimer.member_id,
                  unit_code=claimer.unit_code, status="claimed", claimed_at=now,
                  idempotency_key=claimer.key, members=[], round=round_, team=True,
                  due_on=due)
        uow.session.add(c)
        uow.session.add(TeamMember(claim_id=c.id, member_id=claimer.member_id,
                                   unit_code=claimer.unit_code, joined_at=now))
        wish.claim_id = c.id
        _places(wish, wish.capacity - 1)
        uow.session.flush()
        emit(uow, "wish.claimed", c)
        return c
    c = uow.session.get(Claim, wish.claim_id) if wish.claim_id else None
    if not c.team or c.status != "claimed" or wish.places_left <= 0:
        raise AlreadyClaimed(wish.id)
    seat = uow.session.get(TeamMember, (c.id, claimer.member_id))
    if seat is not None and seat.left_at is None:
        raise AlreadyClaimed(wish.id)  # their own other tap: the caller finds their seat
    if seat is None:
        uow.session.add(TeamMember(claim_id=c.id, member_id=claimer.member_id,
                                   unit_code=claimer.unit_code, joined_at=now))
    else:
        seat.joined_at, seat.left_at = now, None
    _places(wish, wish.places_left - 1)
    return c


def _places(wish: Wish, left: int) -> None:
    """A forming group's places: published while any is left (to join), claimed once full."""
    wish.places_left, wish.status = left, "published" if left > 0 else "claimed"


def leave(uow, claim_id: str, member_id: str) -> Claim:
    """A member leaves their group before it is fulfilled: the place is free again; the group's
    lead passes to the earliest who stays; the last to leave releases the wish."""
    c = uow.session.get(Claim, claim_id)
    wish = locked(uow, c.wish_id) if c is not None else None
    seat = uow.session.get(TeamMember, (claim_id, member_id)) if c is not None else None
    if c is None or not c.team or seat is None or seat.left_at is not None:
        raise NotFound(claim_id)
    uow.session.refresh(c)
    if c.status != "claimed":
        raise InvalidState(c.status)
    seat.left_at = utcnow()
    uow.session.flush()
    rest = active(uow, claim_id)
    if not rest:
        # the whole claim goes back on the wall
        return steps.release(uow, claim_id, member_id, "group_emptied")
    if c.member_id == member_id:
        c.member_id, c.unit_code = rest[0].member_id, rest[0].unit_code
    _places(wish, wish.places_left + 1)
    return c


def set_capacity(uow, wish_id: str, capacity: int) -> Wish:
    """How many serve together on the wish (1: one claimer), before it is claimed or while its
    group forms."""
    wish = locked(uow, wish_id)
    if wish is None:
        raise NotFound(wish_id)
    c = uow.session.get(Claim, wish.claim_id) if wish.claim_id else None
    if c is not None and not c.team:
        raise InvalidState(wish.status)  # one claimer has it already
    joined = len(active(uow, c.id)) if c is not None else 0
    problems = capacity_problems(capacity, wish.status, joined)
    if problems:
        raise ApiError(422, "validation_failed", problems)
    wish.capacity = capacity if capacity > 1 else None
    if c is not None:
        _places(wish, capacity - joined)
    return wish
