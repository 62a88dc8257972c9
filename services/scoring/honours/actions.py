"""Honours' use cases: draft or revoke a member's honours in the ledger entry's own transaction,
nominate and select for the district's honour, and take each step of the process."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, text

from services.scoring.honours import config, rules
from services.scoring.honours.rules import (DISTRICT, DRAFTED, LISTED, NOMINATED, REVOKED, Counted,
                                            refused)
from services.scoring.models import Honour, HonourSerial, LedgerEntry, Member
from shared import audit
from shared.access import DISTRICT_ADMIN, in_scope
from shared.clock import today_in_china
from shared.sql import insert_for

SERVICE = "service:scoring"


def year_of_entry(session, entry: LedgerEntry) -> int:
    reversed_at = session.get(LedgerEntry, entry.reverses).at if entry.reverses else None
    return rules.counted_year(entry.at, reversed_at)


def year_total(session, member_id: str, year: int) -> Decimal:
    """The member's points of one China year: awards, less the corrections of that year's."""
    award = LedgerEntry.__table__.alias("award")
    rows = session.execute(
        select(LedgerEntry.points, LedgerEntry.at, award.c.at)
        .outerjoin(award, award.c.id == LedgerEntry.reverses)
        .where(LedgerEntry.member_id == member_id)).all()
    return rules.year_total([Counted(p, rules.counted_year(at, was)) for p, at, was in rows], year)


def after_entry(uow, entry: LedgerEntry, now: datetime) -> None:
    """Called by the ledger for every entry it appends, in its transaction: draft the honours the
    year's total now reaches, revoke those it fell below. Once: the unique key per member, year
    and level holds, and a replayed deed appends no entry."""
    session, limits = uow.session, config.thresholds()
    _one_at_a_time(session, entry.member_id)
    year = year_of_entry(session, entry)
    total = year_total(session, entry.member_id, year)
    held = {h.level: h for h in session.scalars(
        select(Honour).where(Honour.member_id == entry.member_id, Honour.year == year)
        .with_for_update())}
    for level in rules.reached(total, limits):
        honour = held.get(level)
        if honour is None or honour.status == REVOKED:
            _draft(uow, entry.member_id, year, level, total, now, honour)
    for honour in held.values():
        if honour.status != REVOKED and not rules.kept(honour.level, total, limits):
            _revoke(uow, honour, total, now)


def _one_at_a_time(session, member_id: str) -> None:
    """Two deeds of one member committing at once would each count without the other's points
    and neither cross 20: the second waits here, then counts both (SQLite writes one at a time)."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"),
                        {"key": f"honours:{member_id}"})


def _draft(uow, member_id: str, year: int, level: str, total: Decimal, now: datetime,
           revoked: Honour | None) -> None:
    """A new honour, drafted; or one revoked earlier drafted again (the year's points are back)."""
    session = uow.session
    member = session.get(Member, member_id)
    facts = {"community_code": member.community_code if member else None,
             "unit_code": member.unit_code if member else None,
             "unit_name": member.unit_name if member else None}
    if revoked is None:
        inserted = session.execute(insert_for(session.bind.dialect.name)(Honour).values(
            member_id=member_id, year=year, level=level, status=DRAFTED, points=total,
            granted_at=now, history=[_step("drafted", SERVICE, now)], **facts)
            .on_conflict_do_nothing().returning(Honour.id)).first()
        if inserted is None:  # a concurrent crossing drafted it first
            return
        honour = session.get(Honour, inserted[0])
    else:
        honour = revoked
        honour.status, honour.points, honour.granted_at = DRAFTED, total, now
        for name, value in facts.items():
            setattr(honour, name, value)
        honour.reviewed_by = honour.issued_by = honour.number = honour.issued_on = None
        honour.listed_by = None
        honour.history = [*honour.history, _step("drafted", SERVICE, now)]
    granted(uow, honour, SERVICE)


def granted(uow, honour: Honour, who) -> None:
    uow.session.flush()
    uow.emit("honour.granted", {**_facts(honour), "points": str(honour.points)},
             correlation_id=honour.member_id)
    audit.record(uow, who, "honour.granted", "honour", str(honour.id), honour.community_code,
                 {"level": honour.level, "year": honour.year, "member_id": honour.member_id})


def _revoke(uow, honour: Honour, total: Decimal, now: datetime) -> None:
    """Below the threshold: revoked with a numbered notice, off the public list."""
    honour.status = REVOKED
    honour.revoked_number = next_number(uow.session, honour.year, rules.REVOKE_SERIES)
    honour.revoked_on = today_in_china(now)
    notice = rules.number_text(honour.year, rules.REVOKE_SERIES, honour.revoked_number)
    honour.history = [*honour.history, _step("revoked", SERVICE, now, notice=notice,
                                             points=str(total))]
    uow.session.flush()
    uow.emit("honour.revoked", {**_facts(honour), "points": str(total), "notice": notice,
                                "reason": "correction"}, correlation_id=honour.member_id)
    audit.record(uow, SERVICE, "honour.revoked", "honour", str(honour.id), honour.community_code,
                 {"level": honour.level, "year": honour.year, "notice": notice})


def next_number(session, year: int, series: str) -> int:
    """The next number of a year's series, under the series' row lock."""
    key = f"{year}-{series}"
    session.execute(insert_for(session.bind.dialect.name)(HonourSerial).values(
        series=key, last=0).on_conflict_do_nothing())
    row = session.get(HonourSerial, key, with_for_update=True, populate_existing=True)
    row.last += 1
    return row.last


def nominate(uow, who, member_id: str, year: int, note: str, now: datetime) -> Honour:
    """A liaison or street admin puts a member of their community above the star's threshold
    forward for the district's honour; the district selects among the nominations."""
    session = uow.session
    member = session.get(Member, member_id)
    if member is None or not in_scope(who, member.community_code or ""):
        raise refused(404, "not_found", "nominee", "未找到该党员")
    total = year_total(session, member_id, year)
    if not rules.may_nominate(total, config.thresholds()):
        raise refused(422, "not_eligible", "nominee")
    if session.scalar(select(Honour.id).where(Honour.member_id == member_id, Honour.year == year,
                                              Honour.level == DISTRICT)):
        raise refused(409, "already_nominated", "nominee")
    honour = Honour(member_id=member_id, year=year, level=DISTRICT, status=NOMINATED,
                    points=total, community_code=member.community_code,
                    unit_code=member.unit_code, unit_name=member.unit_name, granted_at=now,
                    nominated_by=who.id, note=note, history=[_step("nominated", who.id, now)])
    session.add(honour)
    session.flush()
    audit.record(uow, who, "honour.nominated", "honour", str(honour.id), honour.community_code,
                 {"year": year, "member_id": member_id})
    return honour


def advance(uow, who, honour_id: int, step: str, now: datetime) -> Honour:
    """Take the honour's next step, if it is `who`'s to take: numbered and dated on issue."""
    honour = uow.session.get(Honour, honour_id, with_for_update=True, populate_existing=True)
    if honour is None or not visible_to(who, honour):
        raise refused(404, "not_found")
    honour.status = rules.check_step(honour.level, honour.status, step, who.role)
    extra = {}
    if step == "review":
        honour.reviewed_by = who.id
    elif step == "issue":
        honour.issued_by, honour.issued_on = who.id, today_in_china(now)
        honour.number = next_number(uow.session, honour.year, rules.ISSUE_SERIES)
        extra["number"] = rules.number_text(honour.year, rules.ISSUE_SERIES, honour.number)
    elif step == "publish":
        honour.listed_by = who.id
    honour.history = [*honour.history, _step(step, who.id, now, **extra)]
    if step == "select":
        granted(uow, honour, who)
    audit.record(uow, who, f"honour.{step}", "honour", str(honour.id), honour.community_code,
                 {"level": honour.level, "year": honour.year, "status": honour.status, **extra})
    return honour


def visible_to(who, honour: Honour) -> bool:
    """The district sees every honour; a liaison or street admin their communities'."""
    return who.role == DISTRICT_ADMIN or in_scope(who, honour.community_code or "")


def public_list(session, year: int) -> list[Honour]:
    return list(session.scalars(select(Honour).where(Honour.year == year, Honour.status == LISTED)
                                .order_by(Honour.level, Honour.number)))


def _facts(honour: Honour) -> dict:
    return {"honour_id": honour.id, "member_id": honour.member_id, "year": honour.year,
            "level": honour.level, "community_code": honour.community_code,
            "unit_code": honour.unit_code}


def _step(step: str, by: str, at: datetime, **extra) -> dict:
    return {"step": step, "by": by, "at": at.isoformat(), **extra}
