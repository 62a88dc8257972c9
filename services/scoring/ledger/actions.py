"""The ledger's use cases: award points for a confirmed deed once, and read a member's balance."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from services.scoring.ledger.rules import parts, points_for
from services.scoring.models import LedgerEntry
from shared import audit
from shared.envelope import utcnow


def total(session, member_id: str) -> Decimal:
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.member_id == member_id)
    )


def award(uow, deed) -> None:
    """Append one ledger entry per member share of a confirmed claim (a ClaimEvent), once;
    announce each member's new total."""
    session = uow.session
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.claim_id == deed.claim_id)):
        return
    for member_id, unit_code, points in parts(deed, points_for(deed)):
        session.add(LedgerEntry(member_id=member_id, unit_code=unit_code,
                                community_code=deed.community_code, wish_id=deed.wish_id,
                                claim_id=deed.claim_id, points=points, reason="wish.confirmed",
                                at=utcnow()))
        session.flush()
        uow.emit("points.awarded", {
            "member_id": member_id, "claim_id": deed.claim_id, "wish_id": deed.wish_id,
            "community_code": deed.community_code, "unit_code": unit_code, "points": str(points),
            "total": str(total(session, member_id))}, correlation_id=deed.wish_id)
        audit.record(uow, "service:scoring", "points.awarded", "claim", deed.claim_id,
                     deed.community_code, {"member_id": member_id, "points": str(points)})
