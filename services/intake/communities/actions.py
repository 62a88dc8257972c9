"""Communities as intake keeps them: register, change, and announce each on the bus."""
from __future__ import annotations

from sqlalchemy import select

from services.intake.communities import rules
from services.intake.communities.models import Community
from services.intake.errors import CommunityCodeTaken, UnknownCommunity
from shared.envelope import utcnow

REGISTERED, UPDATED = "community.registered", "community.updated"
_PROFILE = ("code", "name", "street", "district", "district_name", "meeting_day")


def event_of(community: Community) -> dict:
    """The CommunityProfile every service copies (shared/contracts.py)."""
    meeting_day = community.meeting_day
    return {k: getattr(community, k) for k in _PROFILE} | {
        "meeting_day": dict(meeting_day) if meeting_day is not None else None}


def find(session, code: str) -> Community:
    community = session.get(Community, code)
    if community is None:
        raise UnknownCommunity("code")
    return community


def register(uow, data: dict) -> Community:
    """A new community (`data` as CommunitySchema loaded it); its code must be free."""
    session = uow.session
    if session.get(Community, data["code"]) is not None:
        raise CommunityCodeTaken("code")
    now = utcnow()
    community = Community(**{k: data[k] for k in _PROFILE}, created_at=now, updated_at=now)
    session.add(community)
    session.flush()
    uow.emit(REGISTERED, event_of(community), correlation_id=community.code)
    return community


def update(uow, community: Community, wanted: dict) -> bool:
    """Change what `wanted` changes; announced only when something did (True then)."""
    changed = rules.changes(event_of(community), wanted)
    if not changed:
        return False
    for key, value in changed.items():
        setattr(community, key, value)
    community.updated_at = utcnow()
    uow.emit(UPDATED, event_of(community), correlation_id=community.code)
    return True


def names(session, codes) -> dict[str, str]:
    """code → name for the registered ones among `codes` (one query)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    return dict(session.execute(select(Community.code, Community.name).where(
        Community.code.in_(wanted))).all())


def name_of(session, code: str) -> str:
    """What a person is shown for a community: its name, or its code when none is registered."""
    return names(session, [code]).get(code, code)
