"""Telling a claimer the wisher's phone: when a liaison may, and who then sees it. No I/O."""
from __future__ import annotations

from shared.errors import MESSAGES_ZH

# A claim whose deed is under way or reported, not yet confirmed: the phone is of use only then.
ACTIVE = ("claimed", "fulfilled")


def reveal_problem(consented: bool, claim_status: str) -> str | None:
    """Why the phone may not be told to the claimer (an error code), or None when it may."""
    if not consented:
        return "no_phone_consent"
    if claim_status not in ACTIVE:
        return "claim_not_active"
    return None


def shows_phone(viewer_id: str, claimer_id: str, claim_status: str, revealed_to: set[str]) -> bool:
    """Only the claimer it was told to sees the phone, and only until the deed is confirmed (or
    the claim given up)."""
    return viewer_id == claimer_id and claim_status in ACTIVE and viewer_id in revealed_to


def problem_fields(code: str) -> list[dict]:
    return [{"field": "claim", "code": code, "message": MESSAGES_ZH[code]}]
