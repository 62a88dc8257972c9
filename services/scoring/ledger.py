"""Award points for a confirmed deed and read a member's balance."""
from __future__ import annotations

from sqlalchemy import func, select

from services.scoring.models import LedgerEntry
from shared import audit
from shared.envelope import utcnow

POINTS_PER_DEED = 1


def total(session, member_id: str) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.member_id == member_id)
    )


def award(uow, event) -> None:
    """Append one ledger entry for a confirmed claim, once, and announce the new total."""
    deed = event.payload
    session = uow.session
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.claim_id == deed["claim_id"])):
        return
    session.add(LedgerEntry(member_id=deed["member_id"], unit_code=deed.get("unit_code"),
                            wish_id=deed["wish_id"], claim_id=deed["claim_id"],
                            points=POINTS_PER_DEED, reason="wish.confirmed", at=utcnow()))
    session.flush()
    uow.emit("points.awarded", {**deed, "points": POINTS_PER_DEED,
                                "total": total(session, deed["member_id"])},
             correlation_id=deed["wish_id"])
    audit.record(uow, "service:scoring", "points.awarded", "claim", deed["claim_id"],
                 deed.get("community_code"), {"member_id": deed["member_id"],
                                              "points": POINTS_PER_DEED})
