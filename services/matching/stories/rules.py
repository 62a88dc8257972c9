"""When a fulfilled wish may be told in public (圆梦故事), and how its doer is named there. No I/O."""
from __future__ import annotations

from shared.pii import mask_name

GUARDIAN = "guardian"
SOMEONE = "爱心人士"  # a doer matching has not heard of yet


def publicity_counts(consents: dict | None) -> bool:
    """The wisher said yes to the deed's photo and story in public; for a child (under 14,
    PIPL art. 31) only a guardian's yes counts, whoever else gave it."""
    consents = consents or {}
    if consents.get("publicity") is not True:
        return False
    return not consents.get("minor") or consents.get("given_by") == GUARDIAN


def is_story(publicity: bool, claim_status: str) -> bool:
    """A wish becomes a story once its deed is confirmed, and only with the consent that counts."""
    return bool(publicity) and claim_status == "confirmed"


def public_name(kind: str | None, display_name: str | None, team: bool = False) -> str:
    """Who did it, as the public reads it: a person masked (张*), an organisation in full; a
    group (帮帮团) by the one who started it."""
    if not display_name:
        return SOMEONE
    name = display_name if kind not in (None, "person") else mask_name(display_name)
    return f"{name}等帮帮团成员" if team else name
