"""Claim use cases: claim (exactly one winner), release, fulfil, confirm; each emits its event."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import or_, select, update

from services.matching.claims.quota import hold
from services.matching.claims.rules import EVENTS, STEPS
from services.matching.errors import (AlreadyClaimed, CommunityWindow, InvalidState, KeyReused,
                                      NotFound)
from services.matching.models import PUBLISHED, Claim, Wish, open_to
from shared.clock import CHINA
from shared.envelope import new_id, utcnow


@dataclass(frozen=True)
class Claimer:
    """Who claims: a member or an organisation's account, and the unit their points report to."""

    member_id: str
    unit_code: str | None = None
    community_code: str | None = None  # where they registered (报到): their community's window
    key: str | None = None  # the request's Idempotency-Key: a double tap gets the same claim
    members: tuple[str, ...] = ()  # an organisation's claim: the members it names to serve


def by_key(uow, claimer: Claimer, wish_id: str) -> Claim | None:
    """The claim the claimer's Idempotency-Key already made (of this wish, or it is an error)."""
    if claimer.key is None:
        return None
    c = uow.session.scalars(select(Claim).where(Claim.member_id == claimer.member_id,
                                                Claim.idempotency_key == claimer.key)).first()
    if c is not None and c.wish_id != wish_id:
        raise KeyReused(claimer.key, [{"field": "Idempotency-Key", "code": "idempotency_key_reused",
                                       "message": "该 Idempotency-Key 已用于认领另一个心愿"}])
    return c


def claim(uow, wish_id: str, claimer: Claimer, quota: Callable[[str], int]) -> Claim:
    """Claim a published wish with one conditional UPDATE: of many racing claimers, one wins;
    during its community's window only that community's members may, and nobody beyond the
    open claims `quota(community_code)` allows them."""
    claim_id, now = new_id(), utcnow()
    wish = uow.session.get(Wish, wish_id)
    if wish is None or wish.status == "scheduled":
        raise NotFound(wish_id)
    hold(uow, claimer.member_id, quota(wish.community_code))
    won = uow.session.execute(
        update(Wish).where(Wish.id == wish_id, Wish.status == "published",
                           open_to(claimer.community_code, now))
        .values(status="claimed", claim_id=claim_id).returning(Wish.id)
        .execution_options(synchronize_session=False)
    ).first() is not None
    uow.session.refresh(wish)  # as the UPDATE left it (it waited for any claim that raced it)
    if not won:
        if wish.status == "published":  # free, but not yet for someone outside its community
            raise CommunityWindow(wish_id, [_window(wish)])
        raise AlreadyClaimed(wish_id)
    c = Claim(id=claim_id, wish_id=wish_id, member_id=claimer.member_id,
              unit_code=claimer.unit_code, status="claimed", claimed_at=utcnow(),
              idempotency_key=claimer.key, members=list(claimer.members))
    uow.session.add(c)
    _emit(uow, "wish.claimed", c)
    return c


def similar_open(uow, wish: Wish, claimer: Claimer, limit: int = 3) -> list[Wish]:
    """Up to `limit` open wishes like `wish` (its category or its community) that the claimer
    may claim now: what the loser of a race is offered instead."""
    now = utcnow()
    alike = [Wish.community_code == wish.community_code]
    if wish.category:
        alike.append(Wish.category == wish.category)
    return list(uow.session.scalars(
        select(Wish).where(PUBLISHED, Wish.id != wish.id, or_(*alike),
                           open_to(claimer.community_code, now))
        .order_by(Wish.urgent.desc(), Wish.published_at.desc(), Wish.id).limit(limit)))


def _window(wish: Wish) -> dict:
    at = wish.citywide_at.astimezone(CHINA)
    return {"field": "citywide_at", "code": "community_window",
            "message": f"该心愿目前仅限本社区报到的党员认领，{at.month}月{at.day}日 {at:%H:%M} 起全市可认领",
            "citywide_at": wish.citywide_at.isoformat()}


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
    wish_values = {"status": wish_status}
    if after == "released":
        wish_values["claim_id"] = None
    uow.session.execute(update(Wish).where(Wish.id == c.wish_id).values(**wish_values)
                        .execution_options(synchronize_session=False))
    _emit(uow, EVENTS[step], c)
    return c


def _emit(uow, event_type: str, c: Claim) -> None:
    wish = uow.session.get(Wish, c.wish_id)
    uow.emit(event_type, {"wish_id": c.wish_id, "claim_id": c.id, "member_id": c.member_id,
                          "community_code": wish.community_code if wish else None,
                          "unit_code": c.unit_code, "members": list(c.members or [])},
             correlation_id=c.wish_id)
