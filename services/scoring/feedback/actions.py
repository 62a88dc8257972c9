"""The feedback's use cases: build a unit's report of a half from the ledger, the member copy and
the honours; the scan that makes each unit's report of the half just ended once; on demand."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import or_, select

from services.scoring import communities
from services.scoring.feedback import rules
from services.scoring.feedback.models import FeedbackReport
from services.scoring.feedback.rules import Deed, Half, HonourLine
from services.scoring.honours.rules import (
    ISSUE_SERIES,
    LEVEL_ZH,
    REVOKED,
    STATUS_ZH,
    number_text,
)
from services.scoring.ledger.actions import AWARD, CORRECTION
from services.scoring.models import Honour, LedgerEntry, Member
from shared import audit
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.sql import insert_for

SERVICE = "service:scoring"


def units(session, half: Half) -> dict[str, str]:
    """Every unit with registered members, or with deeds in the half: code → name."""
    start, end = half.instants()
    named = dict(session.execute(select(Member.unit_code, Member.unit_name).where(
        Member.unit_code.is_not(None), Member.kind == "person")).all())
    for (code,) in session.execute(select(LedgerEntry.unit_code).distinct().where(
            LedgerEntry.unit_code.is_not(None), LedgerEntry.reason == AWARD,
            LedgerEntry.at >= start, LedgerEntry.at < end)):
        named.setdefault(code, None)
    return {code: name or code for code, name in named.items()}


def facts_of(session, unit_code: str, unit_name: str, half: Half) -> dict:
    """The unit's report of the half: each member, their deeds (net of corrections; a deed
    reversed in full is left out), their points and the honours granted them in it."""
    start, end = half.instants()
    fix = LedgerEntry.__table__.alias("fix")
    awards = session.execute(
        select(LedgerEntry.member_id, LedgerEntry.title, LedgerEntry.community_code,
               LedgerEntry.at, LedgerEntry.points, fix.c.points)
        .outerjoin(fix, (fix.c.reverses == LedgerEntry.id) & (fix.c.reason == CORRECTION))
        .where(LedgerEntry.unit_code == unit_code, LedgerEntry.reason == AWARD,
               LedgerEntry.at >= start, LedgerEntry.at < end)).all()
    people = session.scalars(select(Member).where(
        or_(Member.unit_code == unit_code,
            Member.id.in_({a.member_id for a in awards} or {""})))).all()
    honours = session.scalars(select(Honour).where(
        Honour.unit_code == unit_code, Honour.status != REVOKED,
        Honour.granted_at >= start, Honour.granted_at < end)).all()
    names = communities.names(session, [*(a.community_code for a in awards),
                                        *(p.community_code for p in people)])
    deeds = [Deed(m, title or "", names.get(code, code or ""), today_in_china(at),
                  points + (fixed or Decimal(0)))
             for m, title, code, at, points, fixed in awards if fixed is None]
    members = {p.id: (p.display_name, names.get(p.community_code, p.community_code or ""))
               for p in people if p.kind == "person" or p.id in {d.member_id for d in deeds}}
    lines_ = [HonourLine(h.member_id, LEVEL_ZH[h.level], STATUS_ZH[h.status],
                         number_text(h.year, ISSUE_SERIES, h.number)) for h in honours]
    return rules.as_facts(half, unit_name, rules.lines(members, deeds, lines_))


def scan(db, now: datetime | None = None) -> int:
    """Each unit's report of the half just ended (China time), made once: on 1 January and
    1 July, or on the first scan after (one that missed the day catches up); how many made."""
    now = now or utcnow()
    half = rules.just_ended(today_in_china(now))
    made = 0
    with db.uow() as uow:
        done = set(uow.session.scalars(select(FeedbackReport.unit_code).where(
            FeedbackReport.year == half.year, FeedbackReport.half == half.half)))
        for code, name in sorted(units(uow.session, half).items()):
            if code not in done:
                made += _insert(uow, code, name, half, SERVICE, now)
        uow.commit()
    return made


def _insert(uow, code: str, name: str, half: Half, who, now: datetime) -> int:
    session = uow.session
    row = session.execute(insert_for(session.bind.dialect.name)(FeedbackReport).values(
        unit_code=code, unit_name=name, year=half.year, half=half.half, generated_at=now,
        generated_by=_id(who), facts=facts_of(session, code, name, half))
        .on_conflict_do_nothing().returning(FeedbackReport.id)).first()
    if row is None:  # another worker made it first
        return 0
    audit.record(uow, who, "feedback.generated", "feedback_report", str(row[0]), None,
                 {"unit_code": code, "half": half.key})
    return 1


def generate(uow, who, half: Half, unit_code: str | None, now: datetime) -> list[FeedbackReport]:
    """On demand (a district or street admin): the half's report of one unit or of every unit,
    made, or made again from today's ledger (still one per unit and half)."""
    session = uow.session
    known = units(session, half)
    if unit_code and unit_code not in known:
        raise ApiError(404, "not_found", [{"field": "unit", "code": "not_found",
                                           "message": "没有该单位的报到党员或活动记录"}])
    wanted = {unit_code: known[unit_code]} if unit_code else known
    for code, name in sorted(wanted.items()):
        report = session.scalar(select(FeedbackReport).where(
            FeedbackReport.unit_code == code, FeedbackReport.year == half.year,
            FeedbackReport.half == half.half).with_for_update())
        if report is None:
            _insert(uow, code, name, half, who, now)
            continue
        report.unit_name, report.facts = name, facts_of(session, code, name, half)
        report.generated_at, report.generated_by = now, _id(who)
        audit.record(uow, who, "feedback.regenerated", "feedback_report", str(report.id), None,
                     {"unit_code": code, "half": half.key})
    session.flush()
    return list(session.scalars(select(FeedbackReport).where(
        FeedbackReport.year == half.year, FeedbackReport.half == half.half,
        FeedbackReport.unit_code.in_(wanted or {""})).order_by(FeedbackReport.unit_code)))


def _id(who) -> str:
    return who if isinstance(who, str) else who.id
