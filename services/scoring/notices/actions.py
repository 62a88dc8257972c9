"""The notices' use cases: survey who took part in a span, draft (or refresh, or withdraw) a
notice per unit and place, the scheduled scan, and each step a person takes on a draft."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select

from services.scoring.honours.actions import next_number
from services.scoring.ledger.actions import AWARD
from services.scoring.models import Community, LedgerEntry, Member
from services.scoring.notices import config, rules
from services.scoring.notices.models import ParticipationNotice as Notice
from services.scoring.notices.rules import (
    DRAFTED,
    INACTIVE,
    ISSUED,
    KINDS,
    LOW_PARTICIPATION,
    WITHDRAWN,
)
from shared import audit
from shared.access import DISTRICT_ADMIN, STREET_ADMIN, UNIT_ADMIN, in_scope
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.sql import insert_for

SERVICE = "service:scoring"


def active_ids(session, span: rules.Span) -> set[str]:
    """Members with a deed confirmed in the span that no correction took back."""
    start, end = span.instants()
    undone = select(LedgerEntry.reverses).where(LedgerEntry.reverses.is_not(None))
    return set(session.scalars(select(LedgerEntry.member_id).distinct().where(
        LedgerEntry.reason == AWARD, LedgerEntry.at >= start, LedgerEntry.at < end,
        LedgerEntry.id.not_in(undone))))


def survey(session, span: rules.Span, rate) -> dict[tuple[str, str, str], dict]:
    """(kind, unit, place) → the facts of the notice it calls for, from the party members who
    reported (党员报到) to a community and belong to a unit."""
    members = session.scalars(select(Member).where(
        Member.kind == "person", Member.party_member.is_(True), Member.unit_code.is_not(None),
        Member.community_code.is_not(None)).order_by(Member.display_name, Member.id)).all()
    places = {c.code: c for c in session.scalars(select(Community))}
    active = active_ids(session, span)
    names: dict[str, str] = {}
    quiet: dict[tuple, list] = defaultdict(list)
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for m in members:
        names.setdefault(m.unit_code, m.unit_name or m.unit_code)
        place = places.get(m.community_code)
        district = place.district if place else m.community_code.split("-", 1)[0]
        tally = counts[(m.unit_code, district)]
        tally[0] += 1
        if m.id in active:
            tally[1] += 1
            continue
        quiet[(m.unit_code, m.community_code)].append(
            {"member_id": m.id, "name": m.display_name,
             "community": place.name if place else m.community_code})
    wanted = {}
    for (unit, code), people in quiet.items():
        place = places.get(code)
        wanted[(INACTIVE, unit, code)] = {
            "unit_name": names[unit], "community_code": code,
            "district": place.district if place else code.split("-", 1)[0],
            "facts": {"members": people, "community": place.name if place else code,
                      "district": place.district_name if place else ""}}
    for (unit, district), (registered, took_part) in counts.items():
        if rules.below(took_part, registered, rate):
            district_name = next((p.district_name for p in places.values()
                                  if p.district == district), district)
            wanted[(LOW_PARTICIPATION, unit, district)] = {
                "unit_name": names[unit], "community_code": None, "district": district,
                "facts": {"registered": registered, "active": took_part,
                          "share": str(rules.share(took_part, registered)), "rate": str(rate),
                          "district": district_name}}
    return wanted


def draft(uow, who, span: rules.Span, now: datetime, kinds=KINDS,
          communities: set[str] | None = None) -> list[Notice]:
    """Draft the notices the span calls for (`communities`: only theirs); a draft already there
    is refreshed (its wording too, unless a person edited it), one reviewed or issued is left
    as it is, one no longer called for is withdrawn. Once per kind, unit, place and period."""
    session, rate = uow.session, config.participation_rate()
    wanted = {k: v for k, v in survey(session, span, rate).items() if k[0] in kinds and (
        communities is None or v["community_code"] in communities)}
    query = select(Notice).where(Notice.period == span.period, Notice.kind.in_(kinds))
    if communities is not None:
        query = query.where(Notice.community_code.in_(communities))
    held = {(n.kind, n.unit_code, n.scope): n
            for n in session.scalars(query.with_for_update(skip_locked=True))}
    touched = []
    for key, spec in wanted.items():
        notice = held.get(key)
        if notice is None:
            notice = _insert(uow, who, key, spec, span, now)
        elif notice.status in (DRAFTED, WITHDRAWN):
            _refresh(uow, who, notice, spec, span, now)
        if notice is not None:
            touched.append(notice)
    for key, notice in held.items():
        if key not in wanted and notice.status == DRAFTED:
            notice.status = WITHDRAWN
            notice.history = [*notice.history, _step("withdrawn", _id(who), now)]
            audit.record(uow, who, "notice.withdrawn", "notice", str(notice.id),
                         notice.community_code, {"kind": notice.kind, "unit": notice.unit_code})
    session.flush()
    return touched


def _insert(uow, who, key, spec, span, now) -> Notice | None:
    kind, unit, scope = key
    session = uow.session
    row = session.execute(insert_for(session.bind.dialect.name)(Notice).values(
        kind=kind, unit_code=unit, unit_name=spec["unit_name"], scope=scope,
        community_code=spec["community_code"], district=spec["district"], period=span.period,
        year=span.end.year, start=span.start, end=span.end, status=DRAFTED, facts=spec["facts"],
        body=rules.wording(kind, spec["unit_name"], span, spec["facts"]), drafted_at=now,
        history=[_step("drafted", _id(who), now)])
        .on_conflict_do_nothing().returning(Notice.id)).first()
    if row is None:  # another worker drafted it first
        return None
    audit.record(uow, who, "notice.drafted", "notice", str(row[0]), spec["community_code"],
                 {"kind": kind, "unit": unit, "period": span.period})
    return session.get(Notice, row[0])


def _refresh(uow, who, notice: Notice, spec, span, now) -> None:
    if (notice.status, notice.facts, notice.end) == (DRAFTED, spec["facts"], span.end):
        return  # nothing new: a second scan changes nothing
    notice.unit_name, notice.facts, notice.start, notice.end = (
        spec["unit_name"], spec["facts"], span.start, span.end)
    if notice.edited_by is None:
        notice.body = rules.wording(notice.kind, notice.unit_name, span, spec["facts"])
    step = "redrafted" if notice.status == WITHDRAWN else "refreshed"
    notice.status = DRAFTED
    notice.history = [*notice.history, _step(step, _id(who), now)]


def scan(db, now: datetime | None = None) -> int:
    """The scheduled scan: the year's (or the last MICROWISH_INACTIVE_DAYS days') notices,
    drafted or refreshed; how many it holds in draft."""
    now = now or utcnow()
    span = rules.scan_span(today_in_china(now), config.inactive_days())
    with db.uow() as uow:
        drafted = draft(uow, SERVICE, span, now)
        uow.commit()
    return sum(1 for n in drafted if n.status == DRAFTED)


def visible_to(who, notice: Notice) -> bool:
    """The district sees every notice, a street admin the inactive members' of their
    communities, a unit admin their unit's once issued."""
    if who.role == DISTRICT_ADMIN:
        return True
    if who.role == STREET_ADMIN:
        return notice.kind == INACTIVE and in_scope(who, notice.community_code or "")
    if who.role == UNIT_ADMIN:
        return bool(who.unit) and who.unit == notice.unit_code and notice.status == ISSUED
    return False


def edit(uow, who, notice: Notice, body: str, now: datetime) -> Notice:
    if notice.status not in rules.EDITABLE:
        raise rules.refused(409, "not_editable", "status")
    if who.role != rules.ACTOR[notice.kind]:
        raise rules.refused(403, "wrong_role", "role")
    notice.body, notice.edited_by = body, who.id
    notice.history = [*notice.history, _step("edited", who.id, now)]
    audit.record(uow, who, "notice.edited", "notice", str(notice.id), notice.community_code,
                 {"kind": notice.kind})
    return notice


def advance(uow, who, notice: Notice, step: str, now: datetime) -> Notice:
    """Review, then issue (numbered and dated), by the role whose notice it is."""
    uow.session.refresh(notice, with_for_update=True)
    notice.status = rules.check_step(notice.kind, notice.status, step, who.role)
    extra = {}
    if step == "review":
        notice.reviewed_by = who.id
    else:
        notice.issued_by, notice.issued_on = who.id, today_in_china(now)
        notice.number = next_number(uow.session, notice.year, rules.SERIES)
        extra["number"] = rules.number_text(notice.year, notice.number)
    notice.history = [*notice.history, _step(step, who.id, now, **extra)]
    audit.record(uow, who, f"notice.{step}", "notice", str(notice.id), notice.community_code,
                 {"kind": notice.kind, "unit": notice.unit_code, **extra})
    return notice


def _id(who) -> str:
    return who if isinstance(who, str) else who.id


def _step(step: str, by: str, at: datetime, **extra) -> dict:
    return {"step": step, "by": by, "at": at.isoformat(), **extra}
