"""Points rules: what a confirmed deed is worth, and each doer's part of it. No I/O."""
from __future__ import annotations

from decimal import Decimal

from shared.shares import POINT_QUANTUM, apportion

POINTS_PER_DEED = Decimal(1)


def points_for(deed) -> Decimal:
    """One point a deed, whatever it was (per-community rules come with the points card)."""
    return POINTS_PER_DEED


def parts(deed, points: Decimal) -> list[tuple[str, str | None, Decimal]]:
    """(member, unit, points) for each who shares the deed, the points summing to exactly
    `points`; a deed announced without shares is the claimer's alone."""
    shares = deed.shares or [{"member_id": deed.member_id, "unit_code": deed.unit_code,
                              "share": Decimal(1)}]
    split = apportion(points, [Decimal(s["share"]) for s in shares], POINT_QUANTUM)
    return [(s["member_id"], s.get("unit_code"), p) for s, p in zip(shares, split)]
