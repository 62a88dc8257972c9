"""What the figures are computed over, read within the caller's scope: one query each."""
from __future__ import annotations

from sqlalchemy import func, select

from services.scoring.models import Community, Member
from services.scoring.stats.figures import ACTIVE, Row, claimer_group
from services.scoring.stats.models import WishFact
from services.scoring.stats.schemas import Filters
from shared.access import DISTRICT_ADMIN
from shared.errors import ApiError


def scope(who, wanted: Filters) -> tuple[str, ...] | None:
    """The communities `who` may count (None: all of them, a district admin's); asking for a
    community outside them finds nothing there, as the project answers (404)."""
    if who.role == DISTRICT_ADMIN:
        return None
    if wanted.community and wanted.community not in who.communities:
        raise ApiError(404, "not_found")
    return tuple(who.communities)


def _in_area(query, column, allowed, wanted: Filters):
    """Narrow `query` (whose `column` is a community code) to the scope and the filters' area."""
    if allowed is not None:
        query = query.where(column.in_(allowed))
    if wanted.community:
        query = query.where(column == wanted.community)
    if wanted.street:
        query = query.where(Community.street == wanted.street)
    if wanted.district:
        query = query.where(Community.district == wanted.district)
    return query


def _in_period(query, column, wanted: Filters):
    if wanted.start:
        query = query.where(column >= wanted.start)
    if wanted.end:
        query = query.where(column < wanted.end)
    return query


def wishes(session, allowed, wanted: Filters) -> list[Row]:
    """The wishes collected in the period, in the area, each with its community and claimer."""
    query = (select(WishFact, Community.name, Community.street, Community.district,
                    Community.district_name, Member.kind, Member.party_member, Member.org_type)
             .outerjoin(Community, Community.code == WishFact.community_code)
             .outerjoin(Member, Member.id == WishFact.claimer_id))
    query = _in_period(_in_area(query, WishFact.community_code, allowed, wanted),
                       WishFact.collected_at, wanted)
    return [Row(community_code=f.community_code, community_name=name, street=street,
                district=district, district_name=district_name, kind=f.kind,
                wish_type=f.wish_type, category=f.category, urgent=bool(f.urgent),
                verified=f.verified_at is not None,
                rejected=f.rejected_at is not None and f.verified_at is None,
                published_at=f.published_at, first_claimed_at=f.first_claimed_at,
                fulfilled_at=f.fulfilled_at, claim_state=f.claim_state,
                claimed_by=claimer_group(m_kind, party, org_type) if f.claimer_id else None)
            for f, name, street, district, district_name, m_kind, party, org_type
            in session.execute(query)]


def active_members(session, allowed, wanted: Filters) -> int:
    """How many members serve on a claim made in the period on a wish of the area (a claim given
    up since does not count)."""
    query = (select(WishFact.serving)
             .outerjoin(Community, Community.code == WishFact.community_code)
             .where(WishFact.claim_state.in_(ACTIVE)))
    query = _in_period(_in_area(query, WishFact.community_code, allowed, wanted),
                       WishFact.claimed_at, wanted)
    return len({m for (serving,) in session.execute(query) for m in serving or ()})


def registered_members(session, allowed, wanted: Filters) -> int:
    """How many claimers reported (报到) to a community of the area, as intake last said (the
    whole city's when no area is asked of a district admin)."""
    query = select(func.count()).select_from(Member).outerjoin(
        Community, Community.code == Member.community_code)
    return session.scalar(_in_area(query, Member.community_code, allowed, wanted))


def communities(session, allowed) -> list[Community]:
    """The communities the dashboard's filters offer: those in scope, by district and street."""
    query = select(Community).order_by(Community.district, Community.street, Community.name)
    if allowed is not None:
        query = query.where(Community.code.in_(allowed))
    return list(session.scalars(query))


