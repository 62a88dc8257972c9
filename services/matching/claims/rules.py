"""Claim rules: which step a claim may take from where, and whom a claim concerns. No I/O."""
from __future__ import annotations

from shared.access import LIAISON, ORG_ADMIN, RESIDENT, in_scope
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


def named_members_problems(role: str, named: list[str], registered: set[str]) -> list[dict]:
    """An organisation's admin names the registered members who serve; a member claims alone."""
    if named and role != ORG_ADMIN:
        return [{"field": "members", "code": "members_for_organisations",
                 "message": "只有组织管理员认领时才能指定参与的党员"}]
    return [{"field": f"members.{i}", "code": "unknown_member",
             "message": "该党员尚未报到登记，不能指定其参与"}
            for i, member_id in enumerate(named) if member_id not in registered]
