"""What a claim's events say: the wish, the claimer, and who shares the deed's credit."""
from __future__ import annotations

from sqlalchemy import select

from services.matching.claims.rules import NOT_DONE, reason_view
from services.matching.models import Claim, Member, TeamMember, Wish
from shared.shares import equal_shares


def serving(uow, c: Claim) -> list[tuple[str, str | None]]:
    """Who does the deed, with their units: a group's members in the order they joined, the
    members an organisation named, or the claimer alone."""
    if c.team:
        return [tuple(row) for row in uow.session.execute(
            select(TeamMember.member_id, TeamMember.unit_code)
            .where(TeamMember.claim_id == c.id, TeamMember.left_at.is_(None))
            .order_by(TeamMember.joined_at, TeamMember.member_id))]
    if c.members:
        units = dict(uow.session.execute(select(Member.id, Member.unit_code)
                                         .where(Member.id.in_(c.members))).all())
        return [(m, units.get(m)) for m in c.members]
    return [(c.member_id, c.unit_code)]


def shares(uow, c: Claim) -> list[dict]:
    """The deed's credit, equal shares summing to exactly 1, as wish.claimed and wish.confirmed
    carry it to scoring."""
    people = serving(uow, c)
    return [{"member_id": m, "unit_code": unit, "share": str(part)}
            for (m, unit), part in zip(people, equal_shares(len(people)))]


def emit(uow, event_type: str, c: Claim) -> None:
    """Announce a claim's step, with its shares."""
    wish = uow.session.get(Wish, c.wish_id)
    uow.emit(event_type, {"wish_id": c.wish_id, "claim_id": c.id, "member_id": c.member_id,
                          "community_code": wish.community_code if wish else None,
                          "unit_code": c.unit_code, "members": list(c.members or []),
                          "shares": shares(uow, c),
                          "due_on": c.due_on.isoformat() if c.due_on else None,
                          "reasons": _reasons(event_type, c), **_deed(wish)},
             correlation_id=c.wish_id)


def _deed(wish: Wish | None) -> dict:
    """The wish's public facts a claim's events carry: what scoring's rules price."""
    if wish is None:
        return {}
    return {"title": wish.title, "kind": wish.kind, "wish_type": wish.wish_type,
            "category": wish.category, "urgent": wish.urgent}


def _reasons(event_type: str, c: Claim) -> list[dict]:
    """Why a claim went back: its release's reason, or that its deed was disputed."""
    if event_type == "wish.released":
        return reason_view(c.release_reason)
    return [NOT_DONE] if event_type == "wish.disputed" else []
