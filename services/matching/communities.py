"""Matching's copy of the communities intake keeps: their names and meeting days."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from services.matching.models import Community
from shared import community_copy
from shared.meeting_day import MeetingRule

keep = community_copy.keeper(Community)


def meeting_rule(uow, code: str) -> MeetingRule | None:
    """When the community's wishes open: its meeting day, or None when they open once verified
    (a community without one, or one intake has not announced: no wish waits for a day nobody
    set; intake gives every community it registers the first Saturday unless told otherwise)."""
    community = uow.lookup("community", code, lambda: uow.session.get(Community, code))
    return None if community is None else community.meeting_rule


def prefetch(uow, codes: set[str]) -> None:
    """A batch's communities, in one query."""
    found = {c.code: c for c in uow.session.scalars(select(Community).where(
        Community.code.in_(codes)))}
    uow.preload("community", codes, found)


def names(session, codes: Iterable[str | None]) -> dict[str, str]:
    """The Chinese name of each code, in one query (the code itself for one not yet announced)."""
    return community_copy.names(session, Community, codes)
