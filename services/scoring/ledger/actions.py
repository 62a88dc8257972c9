"""The ledger's use cases: award a confirmed deed's points once under its community's rule of
the day, reverse an award with a reason, and read a member's balance."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select

from services.scoring.honours import actions as honours
from services.scoring.ledger.rules import Deed, PointRule, parts, points_for, reversal_problems
from services.scoring.models import LedgerEntry, PointRuleRow
from shared import audit
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.shares import POINT_QUANTUM

AWARD, CORRECTION = "wish.confirmed", "correction"
FIGURES = ("base", "material", "spiritual", "urgent", "team")


def total(session, member_id: str) -> Decimal:
    return session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(LedgerEntry.member_id == member_id)
    )


def rules_of(session, community_code: str | None) -> list[PointRule]:
    """The rules that may price a deed in the community: its own and its district's."""
    if not community_code:
        return []
    scopes = (community_code, community_code.split("-", 1)[0])
    return [as_rule(row) for row in session.scalars(
        select(PointRuleRow).where(PointRuleRow.scope.in_(scopes)))]


def as_rule(row: PointRuleRow) -> PointRule:
    v = row.values
    return PointRule(row.scope, row.applies_from, **{
        k: Decimal(v[k]) for k in ("base", "material", "spiritual", "urgent", "team") if k in v},
        categories={c: Decimal(p) for c, p in (v.get("categories") or {}).items()})


def set_rule(uow, who, data: dict, now: datetime) -> PointRuleRow:
    """Set a scope's rule from a day on (PointRuleSchema's fields); the same scope and day
    again replaces it. Entries already written keep what they were paid."""
    values = {k: str(data[k]) for k in FIGURES}
    values["categories"] = {c: str(p) for c, p in data["categories"].items()}
    session = uow.session
    row = session.scalars(select(PointRuleRow).where(
        PointRuleRow.scope == data["scope"], PointRuleRow.applies_from == data["applies_from"])
        .with_for_update()).first()
    if row is None:
        row = PointRuleRow(scope=data["scope"], applies_from=data["applies_from"])
        session.add(row)
    row.values, row.set_by, row.set_at = values, who.id, now
    session.flush()
    audit.record(uow, who, "point_rule.set", "point_rule", str(row.id),
                 data["scope"] if "-" in data["scope"] else None,
                 {"applies_from": row.applies_from.isoformat(), **values})
    return row


def award(uow, deed, confirmed_at: datetime) -> None:
    """Append one ledger entry per member share of a confirmed claim (a ClaimEvent), once,
    priced by the rule of the day it was confirmed (China time); announce each new total."""
    session = uow.session
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.claim_id == deed.claim_id,
                                                   LedgerEntry.reason == AWARD)):
        return
    priced = Deed(deed.community_code, today_in_china(confirmed_at), deed.kind, deed.wish_type,
                  deed.category, bool(deed.urgent))
    points = points_for(priced, rules_of(session, deed.community_code))
    for member_id, unit_code, share in parts(deed, points.quantize(POINT_QUANTUM)):
        entry = LedgerEntry(member_id=member_id, unit_code=unit_code,
                            community_code=deed.community_code, wish_id=deed.wish_id,
                            claim_id=deed.claim_id, points=share, reason=AWARD,
                            at=confirmed_at, title=deed.title)
        _append(uow, entry)


def reverse(uow, entry_id: int, by: str, note: str, now: datetime) -> LedgerEntry:
    """Correct an award by appending its opposite, saying why and who; never twice."""
    session = uow.session
    entry = session.get(LedgerEntry, entry_id, with_for_update=True)
    done = entry is not None and session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.reverses == entry.id)) is not None
    problems = reversal_problems(entry.points if entry else None, done, note)
    if problems:
        status = 404 if entry is None else 422
        raise ApiError(status, "not_found" if entry is None else "validation_failed", problems)
    correction = LedgerEntry(member_id=entry.member_id, unit_code=entry.unit_code,
                             community_code=entry.community_code, wish_id=entry.wish_id,
                             claim_id=entry.claim_id, points=-entry.points, reason=CORRECTION,
                             at=now, title=entry.title, reverses=entry.id, by=by,
                             note=note.strip())
    _append(uow, correction)
    return correction


def _append(uow, entry: LedgerEntry) -> None:
    """Write one entry, audited, and announce the member's new total (points.awarded); the
    honours it earns or loses are decided in the same transaction."""
    uow.session.add(entry)
    uow.session.flush()
    uow.emit("points.awarded", {
        "member_id": entry.member_id, "claim_id": entry.claim_id, "wish_id": entry.wish_id,
        "community_code": entry.community_code, "unit_code": entry.unit_code,
        "points": str(entry.points), "total": str(total(uow.session, entry.member_id)),
        "reason": entry.reason}, correlation_id=entry.wish_id)
    action = "points.awarded" if entry.reason == AWARD else "points.reversed"
    audit.record(uow, entry.by or "service:scoring", action, "claim",
                 entry.claim_id, entry.community_code,
                 {"member_id": entry.member_id, "points": str(entry.points), "entry": entry.id})
    honours.after_entry(uow, entry, utcnow())
