"""Matching's copy of the claimers intake registered: who they are, what they offer, where."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from services.matching.models import Member
from services.matching.notices import contacts
from shared.member_copy import keeper

_copy = keeper(Member)


def keep(uow, event) -> None:
    """member.*: the claimer's profile, and (apart, sealed) where notices reach them."""
    _copy(uow, event)
    contacts.keep_member(uow, event)


def of_organisation(session, org_code: str | None) -> list[Member]:
    """The registered people who gave the organisation as their unit: whom its admin names to
    serve on a claim (an admin of no organisation has nobody to name)."""
    if not org_code:
        return []
    return list(session.scalars(select(Member).where(
        Member.kind == "person", Member.unit_code == org_code).order_by(Member.display_name,
                                                                         Member.id)))


def display_names(session, ids: Iterable[str]) -> dict[str, str]:
    """The names the members go by, in one query (the id itself for one not yet announced)."""
    wanted = set(ids)
    found = dict(session.execute(select(Member.id, Member.display_name).where(
        Member.id.in_(wanted))).all()) if wanted else {}
    return {i: found.get(i, i) for i in wanted}


def of_community(session, code: str | None, kinds: tuple[str, ...] = ("person",),
                 leave_out: Iterable[str] = (), most: int = 100) -> list[Member]:
    """Those registered (报到) in the community, by the names they go by: whom a claimer hands a
    claim to, or a liaison reassigns or assigns one to (display names are public; nothing else
    of them is shown)."""
    if not code:
        return []
    query = select(Member).where(Member.community_code == code, Member.kind.in_(kinds))
    left_out = set(leave_out)
    if left_out:
        query = query.where(Member.id.not_in(left_out))
    return list(session.scalars(query.order_by(Member.display_name, Member.id).limit(most)))
