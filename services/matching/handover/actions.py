"""Handing a claim on: a claimer's offer, its acceptance or refusal, a liaison's reassignment,
and offers lapsing. The claim moves whole, or one member's place in a group (帮帮团) does."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.matching.claims.announce import serving
from services.matching.claims.quota import Allowance, hold
from services.matching.errors import HandoverRefused, InvalidState, NotFound
from services.matching.handover import rules
from services.matching.models import Claim, Handover, Member, TeamMember, Wish
from services.matching.notices.actions import notify
from shared import audit
from shared.envelope import new_id, utcnow


def offer(uow, claim_id: str, who, to_member: str, now: datetime | None = None) -> Handover:
    """Offer the claim (or `who`'s place in its group) to `to_member`, who is told."""
    now, offerer = now or utcnow(), who.id
    c = uow.session.get(Claim, claim_id)
    people = [m for m, _unit in serving(uow, c)] if c is not None else []
    if offerer not in people:
        raise NotFound(claim_id)
    _check(c, offerer, to_member, registered(uow, to_member), to_member in people)
    h = Handover(id=new_id(), claim_id=c.id, from_member=offerer, to_member=to_member,
                 offered_at=now, expires_at=rules.expires(now), outcome=rules.OFFERED)
    try:
        with uow.session.begin_nested():  # one open offer per claimer and claim
            uow.session.add(h)
    except IntegrityError:
        raise InvalidState(rules.OFFERED, [{
            "field": "claim", "code": "offer_open",
            "message": "您已有一个尚未答复的转交邀请，请等对方答复或过期后再转交"}]) from None
    _tell(uow, c, to_member, "handover.offered", f"handover:{h.id}:offered",
          from_name=_name(uow, offerer), hours=rules.OFFER_HOURS)
    audit.record(uow, who, "handover.offered", "claim", c.id, _community(uow, c), {"to": to_member})
    return h


def accept(uow, handover_id: str, who, allowance: Callable[[str], Allowance],
           now: datetime | None = None) -> Claim:
    """The member named takes the claim over, within their own quota; the offerer is told."""
    now, member_id = now or utcnow(), who.id
    h = answered(uow, Handover, handover_id, member_id, rules.ACCEPTED, now)
    c = uow.session.scalars(select(Claim).where(Claim.id == h.claim_id).with_for_update()
                            .execution_options(populate_existing=True)).one()
    if c.status != "claimed" or h.from_member not in [m for m, _ in serving(uow, c)]:
        raise InvalidState(c.status, [{"field": "claim", "code": "invalid_state",
                                       "message": "这个认领已完成或已取消，不能再接手"}])
    hold(uow, member_id, allowance(uow.session.get(Wish, c.wish_id).community_code))
    _move(uow, c, h.from_member, member_id, now)
    _tell(uow, c, h.from_member, "handover.accepted", f"handover:{h.id}:accepted",
          to_name=_name(uow, member_id))
    audit.record(uow, who, "handover.accepted", "claim", c.id, _community(uow, c), {"from": h.from_member})
    return c


def decline(uow, handover_id: str, who, now: datetime | None = None) -> Handover:
    """The member named says no; the claim stays with the offerer, who is told."""
    h = answered(uow, Handover, handover_id, who.id, rules.DECLINED, now or utcnow())
    c = uow.session.get(Claim, h.claim_id)
    _tell(uow, c, h.from_member, "handover.declined", f"handover:{h.id}:declined",
          to_name=_name(uow, who.id))
    audit.record(uow, who, "handover.declined", "claim", c.id, _community(uow, c), {"from": h.from_member})
    return h


def reassign(uow, claim_id: str, to_member: str, who, now: datetime | None = None) -> Claim:
    """A liaison gives an open claim of one claimer to another member at once (open offers on
    it are withdrawn); both are told."""
    now = now or utcnow()
    c = uow.session.scalars(select(Claim).where(Claim.id == claim_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if c is None:
        raise NotFound(claim_id)
    if c.team:
        raise InvalidState(c.status, [{"field": "claim", "code": "team_claim",
                                       "message": "帮帮团的成员由成员自己转交名额"}])
    previous = c.member_id
    _check(c, previous, to_member, registered(uow, to_member), False)
    uow.session.execute(update(Handover).where(Handover.claim_id == c.id,
                                               Handover.outcome == rules.OFFERED)
                        .values(outcome=rules.WITHDRAWN, answered_at=now))
    _move(uow, c, previous, to_member, now)
    key = f"reassigned:{c.id}:{now.isoformat()}"
    _tell(uow, c, to_member, "handover.reassigned_to", key)
    _tell(uow, c, previous, "handover.reassigned_from", key)
    audit.record(uow, who, "claim.reassigned", "claim", c.id, _community(uow, c),
                 {"from": previous, "to": to_member})
    return c


def lapse_due(db, now: datetime | None = None) -> int:
    """The lapse job: offers not answered in time lapse (the claim stays with its claimer, who
    is told); each lapses once, however many workers scan; how many."""
    now = now or utcnow()
    with db.uow() as uow:
        lapsed = uow.session.execute(
            update(Handover).where(Handover.outcome == rules.OFFERED, Handover.expires_at <= now)
            .values(outcome=rules.LAPSED, answered_at=now)
            .returning(Handover.id, Handover.claim_id, Handover.from_member)).all()
        for handover_id, claim_id, offerer in lapsed:
            _tell(uow, uow.session.get(Claim, claim_id), offerer, "handover.lapsed",
                  f"handover:{handover_id}:lapsed")
        uow.commit()
    return len(lapsed)


def answered(uow, model, offer_id: str, member_id: str, outcome: str, now: datetime):
    """The offer (a Handover or an Assignment) made to `member_id`, answered with `outcome` by
    one conditional UPDATE: of an answer racing another (or the offer lapsing), one counts."""
    offer = uow.session.get(model, offer_id)
    if offer is None or offer.to_member != member_id:
        raise NotFound(offer_id)
    problems = rules.answer_problems(offer.outcome, offer.expires_at, now)
    if not problems and uow.session.execute(
            update(model).where(model.id == offer.id, model.outcome == rules.OFFERED,
                                model.expires_at > now)
            .values(outcome=outcome, answered_at=now).returning(model.id)
            .execution_options(synchronize_session=False)).first() is None:
        problems = rules.answer_problems(rules.LAPSED, offer.expires_at, now)
    if problems:
        raise InvalidState(offer.outcome, problems)
    uow.session.refresh(offer)
    return offer


def _check(c: Claim, offerer: str, to_member: str, registered: bool, serves: bool) -> None:
    problems = rules.offer_problems(c.status, offerer, to_member, registered, serves)
    if problems and problems[0]["code"] == "invalid_state":
        raise InvalidState(c.status, problems)
    if problems:
        raise HandoverRefused(to_member, problems)


def _move(uow, c: Claim, from_member: str, to_member: str, now: datetime) -> None:
    """The claim, or the leaver's place in its group, now the taker's (and the lead with it)."""
    unit = uow.session.get(Member, to_member).unit_code
    if c.team:
        uow.session.get(TeamMember, (c.id, from_member)).left_at = now
        seat = uow.session.get(TeamMember, (c.id, to_member))  # one who left and comes back
        if seat is None:
            uow.session.add(TeamMember(claim_id=c.id, member_id=to_member, unit_code=unit,
                                       joined_at=now))
        else:
            seat.left_at, seat.joined_at, seat.unit_code = None, now, unit
    if c.member_id == from_member:
        c.member_id, c.unit_code = to_member, unit
    uow.session.flush()


def registered(uow, member_id: str) -> bool:
    member = uow.session.get(Member, member_id)
    return member is not None and member.kind == "person"


def _name(uow, member_id: str) -> str:
    member = uow.session.get(Member, member_id)
    return member.display_name if member is not None else "一位党员"


def _tell(uow, c: Claim, member_id: str, kind: str, key: str, **extra) -> None:
    wish = uow.session.get(Wish, c.wish_id)
    notify(uow, f"{key}:{member_id}", member_id, kind, {"title": wish.title, **extra},
           wish.urgent)


def _community(uow, c: Claim) -> str:
    return uow.session.get(Wish, c.wish_id).community_code
