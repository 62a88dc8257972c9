"""Assignment (指派): a liaison offers an escalated wish to a member or an organisation, who
accepts (and so claims it, within their quota) or declines; assigning again withdraws the
offer still open."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import update

from services.matching.claims import actions as claims
from services.matching.claims.quota import Allowance
from services.matching.errors import HandoverRefused, InvalidState, NotFound
from services.matching.handover import rules
from services.matching.handover.actions import answered
from services.matching.models import Assignment, Claim, Member, Wish
from services.matching.notices.actions import liaisons_of, notify
from shared import audit
from shared.envelope import new_id, utcnow

NOT_OPEN = {"field": "wish", "code": "invalid_state",
            "message": "心愿已被认领或已不在心愿墙上，不能再指派"}


def assign(uow, wish_id: str, to_member: str, who, now: datetime | None = None) -> Assignment:
    """Offer the wish to `to_member` (a registered member or an organisation's account)."""
    now = now or utcnow()
    wish = uow.session.get(Wish, wish_id)
    if wish is None or wish.status == "scheduled":
        raise NotFound(wish_id)
    if wish.status != "published" or wish.claim_id is not None:
        raise InvalidState(wish.status, [NOT_OPEN])
    member = uow.session.get(Member, to_member)
    if member is None:
        raise HandoverRefused(to_member, [{"field": "to", "code": "unknown_member",
                                           "message": "该党员或组织尚未登记，不能指派"}])
    uow.session.execute(update(Assignment).where(Assignment.wish_id == wish.id,
                                                 Assignment.outcome == rules.OFFERED)
                        .values(outcome=rules.WITHDRAWN, answered_at=now))
    a = Assignment(id=new_id(), wish_id=wish.id, to_member=to_member, by=who.id,
                   offered_at=now, expires_at=rules.expires(now), outcome=rules.OFFERED)
    uow.session.add(a)
    notify(uow, f"assignment:{a.id}", to_member, "assignment.offered",
           {"title": wish.title, "hours": rules.OFFER_HOURS}, wish.urgent, now)
    audit.record(uow, who, "wish.assigned", "wish", wish.id, wish.community_code,
                 {"to": to_member})
    return a


def accept(uow, assignment_id: str, who, allowance: Callable[[str], Allowance],
           days: int, now: datetime | None = None) -> Claim:
    """The assignee claims the wish (its liaison chose them: the community window does not
    hold them back), within their own quota; its liaisons are told."""
    now = now or utcnow()
    a = answered(uow, Assignment, assignment_id, who.id, rules.ACCEPTED, now)
    wish = uow.session.get(Wish, a.wish_id)
    member = uow.session.get(Member, who.id)
    claimer = claims.Claimer(who.id, who.unit or member.unit_code, wish.community_code,
                             organisation=member.kind != "person")
    c = claims.claim(uow, wish.id, claimer, allowance, days)
    audit.record(uow, who, "claim.claimed", "claim", c.id, wish.community_code,
                 {"wish_id": wish.id, "assignment_id": a.id})
    notify(uow, f"assignment:{a.id}:accepted", liaisons_of(wish.community_code),
           "liaison.assignment_answered", {"title": wish.title, "answer": "接受了指派"},
           wish.urgent, now)
    return c


def decline(uow, assignment_id: str, who, now: datetime | None = None) -> Assignment:
    """The assignee says no; the wish stays escalated, and its liaisons are told."""
    now = now or utcnow()
    a = answered(uow, Assignment, assignment_id, who.id, rules.DECLINED, now)
    wish = uow.session.get(Wish, a.wish_id)
    notify(uow, f"assignment:{a.id}:declined", liaisons_of(wish.community_code),
           "liaison.assignment_answered", {"title": wish.title, "answer": "没有接受指派"},
           wish.urgent, now)
    audit.record(uow, who, "wish.assignment_declined", "wish", wish.id, wish.community_code)
    return a

