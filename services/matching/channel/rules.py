"""The brokered channel's rules: who speaks on a claim's channel, and what each side reads of
the other's words. No I/O."""
from __future__ import annotations

from shared.pii import mask_typed

CLAIMER, LIAISON = "claimer", "liaison"
SIDES = (CLAIMER, LIAISON)
MAX_LENGTH = 1000


def shown_to(side: str, body: str) -> str:
    """What a reader on `side` sees of a message: a claimer never sees a phone or ID number
    typed into one (the liaison passes on only what the wisher agreed to); a liaison sees it
    as typed."""
    return mask_typed(body) if side == CLAIMER else body
