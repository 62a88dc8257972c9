"""Claim rules: which step a claim may take from where, and whom a claim concerns. No I/O."""
from __future__ import annotations

from shared.access import LIAISON, RESIDENT, in_scope
from shared.tokens import Principal

# step → (the claim status it must be at, the status it moves to, the wish's status after it)
STEPS = {
    "release": ("claimed", "released", "published"),  # back on the wall
    "fulfil": ("claimed", "fulfilled", "fulfilled"),
    "confirm": ("fulfilled", "confirmed", "confirmed"),
}
# Which event announces each step.
EVENTS = {"release": "wish.released", "fulfil": "wish.fulfilled", "confirm": "wish.confirmed"}


def concerns(who: Principal, member_id: str, community_code: str) -> bool:
    """A claim is the claimer's own business, and its wish's liaisons' and overseers'."""
    return member_id == who.id or in_scope(who, community_code)


def may_fulfil(who: Principal, member_id: str) -> bool:
    """Only the claimer reports their deed done."""
    return member_id == who.id


def may_confirm(who: Principal, community_code: str, submitted_by: str | None) -> bool:
    """The wish's own liaison, or the resident who posted it."""
    if who.role == RESIDENT:
        return submitted_by == who.id
    return who.role == LIAISON and in_scope(who, community_code)
