"""Matching's copy of the communities intake keeps: their names and meeting days."""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from services.matching.models import Community
from services.matching.notices import contacts
from shared import community_copy

_copy = community_copy.keeper(Community)


def keep(uow, event) -> None:
    """community.*: its name and meeting day, and (apart, sealed) its office's contact."""
    _copy(uow, event)
    contacts.keep_community(uow, event)


def find(uow, code: str) -> Community | None:
    """Matching's copy of a community; None for one intake has not announced. Its wishes then
    open once verified and to the whole city: no wish waits for a day or a window nobody set
    (intake gives every community it registers the first Saturday unless told otherwise)."""
    return uow.lookup("community", code, lambda: uow.session.get(Community, code))


def prefetch(uow, codes: set[str]) -> None:
    """A batch's communities, in one query."""
    found = {c.code: c for c in uow.session.scalars(select(Community).where(
        Community.code.in_(codes)))}
    uow.preload("community", codes, found)


def names(session, codes: Iterable[str | None]) -> dict[str, str]:
    """The Chinese name of each code, in one query (the code itself for one not yet announced)."""
    return community_copy.names(session, Community, codes)
