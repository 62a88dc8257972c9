"""Making a claim: exactly one winner (or a place in a team's group), within the claimer's
allowance and the community window; a double tap gets the same claim; the loser gets others."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from services.matching.claims import team
from services.matching.claims.announce import emit
from services.matching.claims.quota import Allowance, hold
from services.matching.claims.rules import due_on, round_of, window_problem
from services.matching.errors import (AlreadyClaimed, CommunityWindow, KeyReused,
                                      NotFound)
from services.matching.models import Claim, TeamMember, Wish, open_to
from services.matching.notices.actions import tell_claimed
from shared.envelope import new_id, utcnow


@dataclass(frozen=True)
class Claimer:
    """Who claims: a member or an organisation's account, and the unit their points report to."""

    member_id: str
    unit_code: str | None = None
    community_code: str | None = None  # where they registered (报到): their community's window
    key: str | None = None  # the request's Idempotency-Key: a double tap gets the same claim
    members: tuple[str, ...] = ()  # an organisation's claim: the members it names to serve
    organisation: bool = False  # an organisation claims a team wish whole; a member joins its group


def by_key(uow, claimer: Claimer, wish_id: str) -> Claim | None:
    """The claim the claimer's Idempotency-Key already made (of this wish, or it is an error)."""
    if claimer.key is None:
        return None
    c = uow.session.scalars(select(Claim).where(Claim.member_id == claimer.member_id,
                                                Claim.idempotency_key == claimer.key)).first()
    if c is not None and c.wish_id != wish_id:
        raise KeyReused.of(claimer.key)
    return c


def seat_of(uow, claimer: Claimer, wish_id: str) -> Claim | None:
    """The group claim of this wish the claimer serves in, if they joined one."""
    seated = select(Claim).join(TeamMember, TeamMember.claim_id == Claim.id)
    return uow.session.scalars(seated.where(
        Claim.wish_id == wish_id, Claim.status != "released", TeamMember.left_at.is_(None),
        TeamMember.member_id == claimer.member_id)).first()


def already_has(uow, claimer: Claimer, wish_id: str) -> Claim | None:
    """What a repeated tap gets back: the claim its key made, or the group the claimer is in."""
    return by_key(uow, claimer, wish_id) or seat_of(uow, claimer, wish_id)


# Built once: every attempt that may win loads the wish and tries to take it.
_WISH = select(Wish).where(Wish.id == bindparam("id"))
_TAKE = (update(Wish)
         .where(Wish.id == bindparam("wish_id"), Wish.status == "published",
                Wish.claim_id.is_(None), open_to(bindparam("community"), bindparam("now")))
         .values(status="claimed", claim_id=bindparam("new_claim")).returning(Wish.id)
         .execution_options(synchronize_session=False))


def claim(uow, wish_id: str, claimer: Claimer, allowance: Callable[[str], Allowance],
          days: int) -> Claim:
    """Claim a published wish with one conditional UPDATE: of many racing claimers, one wins;
    during its community's window only that community's members may, and nobody beyond what
    `allowance(community_code)` lets them hold. A member joins a team wish's group instead.
    The claim is due by the wish's deadline, else `days` from today."""
    claim_id, now = new_id(), utcnow()
    wish = uow.session.scalars(_WISH, {"id": wish_id}).first()
    if wish is None or wish.status == "scheduled":
        raise NotFound(wish_id)
    if wish.status != "published":  # already taken: lost without a lock or an UPDATE
        raise AlreadyClaimed(wish_id)
    if wish.capacity and seat_of(uow, claimer, wish_id) is not None:
        raise AlreadyClaimed(wish_id)  # in its group already: the caller gives their seat back
    round_, due = round_of(wish.batch, wish.published_at), due_on(wish.deadline, now, days)
    hold(uow, claimer.member_id, allowance(wish.community_code), round_)
    if wish.capacity and not claimer.organisation:
        c = team.join(uow, wish, claimer, claim_id, now, round_, due)
        tell_claimed(uow, c, claimer.member_id)
        return c
    won = uow.session.execute(_TAKE, {"wish_id": wish_id, "new_claim": claim_id, "now": now,
                                      "community": claimer.community_code}).first() is not None
    if won:  # the loaded wish as the UPDATE left it, without asking again
        set_committed_value(wish, "status", "claimed")
        set_committed_value(wish, "claim_id", claim_id)
    else:
        uow.session.refresh(wish)  # as the claim that raced it (and that it waited for) left it
        if wish.status == "published" and wish.claim_id is None:  # free, not yet for outsiders
            raise CommunityWindow(wish_id, [window_problem(wish.citywide_at)])
        raise AlreadyClaimed(wish_id)
    c = Claim(id=claim_id, wish_id=wish_id, member_id=claimer.member_id,
              unit_code=claimer.unit_code, status="claimed", claimed_at=utcnow(),
              idempotency_key=claimer.key, members=list(claimer.members), round=round_,
              due_on=due)
    uow.session.add(c)
    emit(uow, "wish.claimed", c)
    tell_claimed(uow, c, claimer.member_id)
    return c
