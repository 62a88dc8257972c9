"""How many claims a claimer may hold open at once and make in one round, counted under a lock
of their own so that thirty taps at once still make at most that many."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, select, text

from services.matching.errors import QuotaReached, RoundQuotaReached
from services.matching.models import Claim, TeamMember

OPEN = "claimed"  # taken and not yet done: fulfilled, confirmed and released claims do not count


@dataclass(frozen=True)
class Allowance:
    """What one claimer may hold: open claims at once, and claims in one round (0: no limit)."""

    open_claims: int
    per_round: int = 0


def theirs(member_id: str):
    """The claims a member serves on (SQL): their own, and the groups they are in."""
    return or_(Claim.member_id == member_id, Claim.id.in_(
        select(TeamMember.claim_id).where(TeamMember.member_id == member_id,
                                          TeamMember.left_at.is_(None))))


# Built once: every claim that may win counts what its claimer holds.
_MINE = select(func.count()).select_from(Claim).where(theirs(bindparam("member")))
_HELD = _MINE.where(Claim.status == OPEN)
_MADE_IN_ROUND = _MINE.where(Claim.round == bindparam("round"), Claim.status != "released")


def hold(uow, member_id: str, allowed: Allowance, round_: str | None = None) -> None:
    """Lock the claimer's claims for this transaction and refuse when they hold as many open as
    `allowed`, or have made as many in `round_` (a released claim gives its round place back)."""
    if uow.session.bind.dialect.name == "postgresql":  # SQLite writes one at a time anyway
        uow.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:member))"),
                            {"member": f"claims:{member_id}"})
    held = uow.session.scalar(_HELD, {"member": member_id})
    if held >= allowed.open_claims:
        raise QuotaReached(member_id, [{
            "field": "claims", "code": "claim_quota",
            "message": f"您已认领 {held} 个尚未完成的心愿（上限 {allowed.open_claims} 个），请先完成再认领"}])
    if allowed.per_round and round_ is not None:
        made = uow.session.scalar(_MADE_IN_ROUND, {"member": member_id, "round": round_})
        if made >= allowed.per_round:
            raise RoundQuotaReached(member_id, [{
                "field": "claims", "code": "round_quota",
                "message": f"本轮您已认领 {made} 个心愿（每轮上限 {allowed.per_round} 个），请把机会留给其他人"}])
