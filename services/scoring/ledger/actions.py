"""The ledger's use cases: award points for a confirmed deed once, and read a member's balance."""
from __future__ import annotations

from sqlalchemy import func, select

from services.scoring.ledger.rules import points_for
from services.scoring.models import LedgerEntry
from shared import audit
from shared.envelope import utcnow


def total(session, member_id: str) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.member_id == member_id)
    )


def award(uow, deed) -> None:
    """Append one ledger entry for a confirmed claim (a ClaimEvent), once; announce the new total."""
    session = uow.session
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.claim_id == deed.claim_id)):
        return
    points = points_for(deed)
    session.add(LedgerEntry(member_id=deed.member_id, unit_code=deed.unit_code,
                            community_code=deed.community_code,
                            wish_id=deed.wish_id, claim_id=deed.claim_id,
                            points=points, reason="wish.confirmed", at=utcnow()))
    session.flush()
    uow.emit("points.awarded", {
        "member_id": deed.member_id, "claim_id": deed.claim_id, "wish_id": deed.wish_id,
        "community_code": deed.community_code, "unit_code": deed.unit_code, "points": points,
        "total": total(session, deed.member_id)}, correlation_id=deed.wish_id)
    audit.record(uow, "service:scoring", "points.awarded", "claim", deed.claim_id,
                 deed.community_code, {"member_id": deed.member_id, "points": points})
