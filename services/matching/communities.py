"""Matching's copy of the communities intake keeps: their names and meeting days."""
from __future__ import annotations

from collections.abc import Iterable

from services.matching.models import Community
from shared import community_copy

keep = community_copy.keeper(Community)


def names(session, codes: Iterable[str | None]) -> dict[str, str]:
    """The Chinese name of each code, in one query (the code itself for one not yet announced)."""
    return community_copy.names(session, Community, codes)
