"""How many claims a claimer may hold open at once, counted under a lock of their own so that
thirty taps at once still make at most that many."""
from __future__ import annotations

from sqlalchemy import func, select, text

from services.matching.errors import QuotaReached
from services.matching.models import Claim

OPEN = "claimed"  # taken and not yet done: fulfilled, confirmed and released claims do not count


def hold(uow, member_id: str, allowed: int) -> None:
    """Lock the claimer's claims for this transaction and refuse when they hold `allowed` open."""
    if uow.session.bind.dialect.name == "postgresql":  # SQLite writes one at a time anyway
        uow.session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:member))"),
                            {"member": f"claims:{member_id}"})
    held = uow.session.scalar(select(func.count()).select_from(Claim).where(
        Claim.member_id == member_id, Claim.status == OPEN))
    if held >= allowed:
        raise QuotaReached(member_id, [{
            "field": "claims", "code": "claim_quota",
            "message": f"您已认领 {held} 个尚未完成的心愿（上限 {allowed} 个），请先完成再认领"}])
