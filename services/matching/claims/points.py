"""What a confirmed deed earned, as scoring announces it (points.awarded): kept beside the claim
and told to the member."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from services.matching.models import Claim, ClaimPoints, Wish
from services.matching.notices.actions import notify


def on_awarded(uow, event) -> None:
    """Add the member's award to their share of the claim, and tell them (once per award)."""
    award = event.payload
    c = uow.session.get(Claim, award.claim_id)
    if c is None:  # a claim this side never had (or an erased wish's): nothing to show it on
        return
    row = uow.session.get(ClaimPoints, (c.id, award.member_id))
    if row is None:
        row = ClaimPoints(claim_id=c.id, member_id=award.member_id, points=0)
        uow.session.add(row)
    # A correction (negative) adds to the share like an award; the inbox drops a redelivery.
    row.points += award.points
    row.total, row.awarded_at = award.total, event.occurred_at
    wish = uow.session.get(Wish, c.wish_id)
    kind = "claim.points" if award.reason == "wish.confirmed" else "claim.points_reversed"
    notify(uow, f"points:{event.message_id}", award.member_id, kind,
           {"title": wish.title, "points": figure(abs(award.points)), "total": figure(award.total)})


def earned(uow, claim_ids, member_id: str) -> dict:
    """The points each of the claims earned the member (claims not yet scored are absent)."""
    wanted = list(claim_ids)
    if not wanted:
        return {}
    return dict(uow.session.execute(
        select(ClaimPoints.claim_id, ClaimPoints.points).where(
            ClaimPoints.claim_id.in_(wanted), ClaimPoints.member_id == member_id)).all())


def figure(points: Decimal) -> str:
    """Points as people write them: 1, 0.5, 0.33 (never 1.00)."""
    text = f"{points:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
