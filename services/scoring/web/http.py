"""Points over HTTP: a member's ledger entries and a unit admin's report on their members."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint
from sqlalchemy import func, select

from services.scoring import communities
from services.scoring.honours.rules import counted_year
from services.scoring.models import LedgerEntry, Member
from shared.access import CLAIMERS, DISTRICT_ADMIN, UNIT_ADMIN, allow, require_principal
from shared.errors import ApiError
from shared.web import uow

bp = Blueprint("points", __name__)


def _visible_entries(member_id: str):
    """A member sees all their entries, the district everyone's, a unit admin only deeds
    done while the member was in their unit; None when the caller may see nothing."""
    who = require_principal()
    query = select(LedgerEntry).where(LedgerEntry.member_id == member_id)
    if who.role == DISTRICT_ADMIN or who.id == member_id:
        return query
    if who.role == UNIT_ADMIN and who.unit:
        return query.where(LedgerEntry.unit_code == who.unit)
    return None


def _community(code: str | None, names: dict[str, str]) -> dict:
    """A community as answers show it: its code for machines, its Chinese name for people."""
    return {"community_code": code, "community_name": names.get(code) if code else None}


@bp.get("/api/v1/points/<member_id>")
@allow(*CLAIMERS, UNIT_ADMIN, DISTRICT_ADMIN)
def get_points(member_id: str):
    query = _visible_entries(member_id)
    entries = uow().session.scalars(query.order_by(LedgerEntry.id)).all() if query is not None else []
    if not entries and (query is None or require_principal().role == UNIT_ADMIN):
        raise ApiError(404, "not_found")
    names = communities.names(uow().session, (e.community_code for e in entries))
    years = counted_years(entries)
    return {"member_id": member_id, "total": float(sum(e.points for e in entries)),
            "years": [{"year": year, "points": str(points)}
                      for year, points in year_totals(entries).items()],
            "entries": [{"id": e.id, "wish_id": e.wish_id, "claim_id": e.claim_id,
                         "title": e.title, "points": float(e.points), "reason": e.reason,
                         "at": e.at.isoformat(), "year": years[e.id],
                         "reverses": e.reverses, "note": e.note,
                         **_community(e.community_code, names)} for e in entries]}


def counted_years(entries) -> dict[int, int]:
    """Each entry's China year, a correction counting in the year of the deed it undoes (as the
    honours and the card count it: a deed of 31 December corrected in January is last year's)."""
    by_id = {e.id: e for e in entries}
    return {e.id: counted_year(e.at, by_id[e.reverses].at if e.reverses in by_id else None)
            for e in entries}


def year_totals(entries) -> dict[int, Decimal]:
    """Each year's points, newest first, a year being China's (a deed confirmed at 00:30 on
    1 January in 周口 counts in the new year, though UTC is still in the old one)."""
    years: dict[int, Decimal] = {}
    for e, year in zip(entries, counted_years(entries).values()):
        years[year] = years.get(year, Decimal(0)) + e.points
    return dict(sorted(years.items(), reverse=True))


@bp.get("/api/v1/reports/unit")
@allow(UNIT_ADMIN)
def unit_report():
    """The unit admin's own members and their points; never another unit's."""
    who = require_principal()
    if not who.unit:  # an admin of no unit has no members (never "everyone without a unit")
        raise ApiError(404, "not_found")
    # Each member with the community they reported to (党员报到), as intake last announced it.
    rows = uow().session.execute(
        select(LedgerEntry.member_id, Member.community_code, func.sum(LedgerEntry.points),
               func.count())
        .outerjoin(Member, Member.id == LedgerEntry.member_id)
        .where(LedgerEntry.unit_code == who.unit)
        .group_by(LedgerEntry.member_id, Member.community_code)
        .order_by(LedgerEntry.member_id)).all()
    names = communities.names(uow().session, (code for _m, code, _p, _n in rows))
    return {"unit_code": who.unit,
            "members": [{"member_id": m, "points": float(p), "deeds": n, **_community(code, names)}
                        for m, code, p, n in rows]}
