"""Points rules: what a confirmed deed is worth. No I/O."""
from __future__ import annotations

POINTS_PER_DEED = 1


def points_for(deed) -> int:
    """One point a deed, whatever it was (per-community rules come with the points card)."""
    return POINTS_PER_DEED
