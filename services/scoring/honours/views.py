"""Reading honours for the routes and pages: the caller's own, with names, as answers show them."""
from __future__ import annotations

from sqlalchemy import select

from services.scoring.honours import actions
from services.scoring.honours.rules import (ISSUE_SERIES, LEVEL_ZH, LEVELS, REVOKE_SERIES,
                                            STATUS_ZH, STEPS, LetterFacts, actor_of, number_text,
                                            refused)
from services.scoring.models import Community, Honour, Member
from shared.access import DISTRICT_ADMIN, in_communities
from shared.clock import today_in_china
from shared.pii import mask_name

_ORDER = {code: n for n, code in enumerate(LEVELS)}


def year_or_now(year: int | None) -> int:
    return year or today_in_china().year


def visible(session, who, query: dict) -> list[Honour]:
    """The honours `who` may see, narrowed by the query's year, status, level and place."""
    stmt = select(Honour).where(Honour.year == year_or_now(query.get("year")))
    if who.role != DISTRICT_ADMIN:
        stmt = in_communities(stmt, who, Honour.community_code)
    for column, key in ((Honour.status, "status"), (Honour.level, "level"),
                        (Honour.community_code, "community")):
        if query.get(key):
            stmt = stmt.where(column == query[key])
    if query.get("street") or query.get("district"):
        places = select(Community.code)
        if query.get("street"):
            places = places.where(Community.street == query["street"])
        if query.get("district"):
            places = places.where(Community.district == query["district"])
        stmt = stmt.where(Honour.community_code.in_(places))
    rows = session.scalars(stmt).all()
    return sorted(rows, key=lambda h: (_ORDER[h.level], h.community_code or "", h.id))


def one(session, who, honour_id: str) -> Honour:
    honour = session.get(Honour, int(honour_id)) if honour_id.isdigit() else None
    if honour is None or not actions.visible_to(who, honour):
        raise refused(404, "not_found")
    return honour


def people(session, honours) -> dict[str, Member]:
    ids = {h.member_id for h in honours}
    return {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(ids)))} if ids else {}


def places(session, honours) -> dict[str, Community]:
    codes = {h.community_code for h in honours if h.community_code}
    return {c.code: c for c in session.scalars(
        select(Community).where(Community.code.in_(codes)))} if codes else {}


def name_of(members: dict, member_id: str) -> str:
    member = members.get(member_id)
    return member.display_name if member else member_id


def as_dict(honour: Honour, members: dict, communities: dict, who=None) -> dict:
    """An honour for staff in its scope: the member by name, the next step and whose it is."""
    community = communities.get(honour.community_code)
    step = next((s for s, (start, _end) in STEPS.items() if start == honour.status), None)
    return {"id": honour.id, "member_id": honour.member_id,
            "member_name": name_of(members, honour.member_id), "year": honour.year,
            "level": honour.level, "title": LEVEL_ZH[honour.level],
            "document": LEVELS[honour.level].document,
            "status": honour.status, "status_zh": STATUS_ZH[honour.status],
            "points": str(honour.points), "community_code": honour.community_code,
            "community_name": community.name if community else honour.community_code,
            "street": community.street if community else None,
            "unit_code": honour.unit_code, "unit_name": honour.unit_name,
            "number": number_text(honour.year, ISSUE_SERIES, honour.number),
            "issued_on": honour.issued_on.isoformat() if honour.issued_on else None,
            "revocation_notice": number_text(honour.year, REVOKE_SERIES, honour.revoked_number),
            "revoked_on": honour.revoked_on.isoformat() if honour.revoked_on else None,
            "next_step": step, "next_step_by": actor_of(honour.level, step) if step else None,
            "history": honour.history}


def public_entry(honour: Honour, members: dict, communities: dict) -> dict:
    """The public list's line: the name masked (张*), the title, where and the number."""
    community = communities.get(honour.community_code)
    return {"name": mask_name(name_of(members, honour.member_id)), "year": honour.year,
            "level": honour.level, "title": LEVEL_ZH[honour.level],
            "community_name": community.name if community else None,
            "street": community.street if community else None,
            "number": number_text(honour.year, ISSUE_SERIES, honour.number),
            "issued_on": honour.issued_on.isoformat() if honour.issued_on else None}


def letter_facts(session, honour: Honour) -> LetterFacts:
    member = session.get(Member, honour.member_id)
    community = session.get(Community, honour.community_code) if honour.community_code else None
    return LetterFacts(
        level=honour.level, year=honour.year,
        number=number_text(honour.year, ISSUE_SERIES, honour.number),
        issued_on=honour.issued_on, member_name=member.display_name if member else "",
        unit_name=honour.unit_name, points=honour.points,
        community=community.name if community else (honour.community_code or ""),
        street=community.street if community else "", district=community.district_name
        if community else "")
