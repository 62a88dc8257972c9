"""Reading the boards: the year's ledger lines, the names each board shows (members' masked),
and members' choices to be left off."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select

from services.scoring.leaderboards import config
from services.scoring.leaderboards.models import LeaderboardPreference
from services.scoring.leaderboards.rules import MEMBERS, UNITS, Line, Row, ranked, totals
from services.scoring.models import Community, LedgerEntry, Member
from services.scoring.honours.rules import points_zh
from shared.clock import CHINA
from shared.pii import mask_name


def lines(session, year: int) -> list[Line]:
    """The year's entries: awards confirmed in it, and corrections of those awards (whenever
    they were made: they undo that year's deed)."""
    start, end = (datetime(y, 1, 1, tzinfo=CHINA) for y in (year, year + 1))
    award = LedgerEntry.__table__.alias("award")
    rows = session.execute(
        select(LedgerEntry.member_id, LedgerEntry.unit_code, LedgerEntry.community_code,
               LedgerEntry.claim_id, LedgerEntry.points)
        .outerjoin(award, award.c.id == LedgerEntry.reverses)
        .where(or_(and_(LedgerEntry.reverses.is_(None), LedgerEntry.at >= start,
                        LedgerEntry.at < end),
                   and_(award.c.at >= start, award.c.at < end)))).all()
    return [Line(*row) for row in rows]


def unlisted(session) -> set[str]:
    return set(session.scalars(select(LeaderboardPreference.member_id)
                               .where(LeaderboardPreference.listed.is_(False))))


def listed(session, member_id: str) -> bool:
    row = session.get(LeaderboardPreference, member_id)
    return row is None or row.listed


def board(session, year: int, which: str) -> list[dict]:
    """The board as the public sees it: ranks, names (a member's masked: 张*), points and
    counts; members who chose not to be listed are left out, not shown as anonymous."""
    counted = totals(lines(session, year), which)
    if which == MEMBERS:
        for member_id in unlisted(session) & counted.keys():
            del counted[member_id]
    names = _names(session, which, counted.keys())
    rows = [Row(key, names.get(key, ""), points, count)
            for key, (points, count) in counted.items()]
    return [_line(which, r.rank, r.row) for r in ranked(rows, config.size())]


def _names(session, which: str, keys) -> dict[str, str]:
    keys = list(keys)
    if not keys:
        return {}
    if which == MEMBERS:
        return {m.id: mask_name(m.display_name) for m in session.scalars(
            select(Member).where(Member.id.in_(keys)))}
    if which == UNITS:
        return dict(session.execute(select(Member.unit_code, Member.unit_name).where(
            Member.unit_code.in_(keys), Member.unit_name.is_not(None))).all())
    return dict(session.execute(select(Community.code, Community.name)
                                .where(Community.code.in_(keys))).all())


def _line(which: str, rank: int, row: Row) -> dict:
    points = {"points": str(row.points), "points_text": points_zh(row.points)}
    if which == MEMBERS:  # nothing but the masked name: no id, no unit, no community
        return {"rank": rank, "name": row.name or "*", **points, "deeds": row.count}
    if which == UNITS:
        return {"rank": rank, "unit_code": row.key, "unit_name": row.name or row.key, **points,
                "active_members": row.count}
    return {"rank": rank, "community_code": row.key, "community_name": row.name or row.key,
            **points, "deeds": row.count}

