"""Communities as intake keeps them: register, change, and announce each on the bus."""
from __future__ import annotations

from sqlalchemy import select

from services.intake.communities import rules
from services.intake.communities.models import Community
from services.intake.errors import CommunityCodeTaken, UnknownCommunity
from shared.envelope import utcnow

REGISTERED, UPDATED = "community.registered", "community.updated"
_PROFILE = ("code", "name", "street", "district", "district_name", "meeting_day")
OFFICE = ("office_phone", "office_email")  # where its liaisons' notices go, kept sealed


def event_of(community: Community) -> dict:
    """The CommunityProfile every service copies (shared/contracts.py); the office's contact
    sealed, for matching's notices alone."""
    meeting_day = community.meeting_day
    return {k: getattr(community, k) for k in _PROFILE} | {
        "meeting_day": dict(meeting_day) if meeting_day is not None else None,
        "office_contact_sealed": community.office_contact_enc}


def _office(community: Community, wanted: dict, sealer) -> bool:
    """Seal the office's phone and email that `wanted` names (null clears one); True when the
    contact changed."""
    given = {k.removeprefix("office_"): wanted[k] for k in OFFICE if k in wanted}
    if not given or sealer is None:
        return False
    current = sealer.open(community.office_contact_enc) if community.office_contact_enc else {}
    contact = {k: v for k, v in {**current, **given}.items() if v}
    if contact == current:
        return False
    community.office_contact_enc = sealer.seal(contact) if contact else None
    return True


def find(session, code: str) -> Community:
    community = session.get(Community, code)
    if community is None:
        raise UnknownCommunity("code")
    return community


def register(uow, data: dict, sealer=None) -> Community:
    """A new community (`data` as CommunitySchema loaded it); its code must be free."""
    session = uow.session
    if session.get(Community, data["code"]) is not None:
        raise CommunityCodeTaken("code")
    now = utcnow()
    community = Community(**{k: data[k] for k in _PROFILE}, created_at=now, updated_at=now)
    _office(community, data, sealer)
    session.add(community)
    session.flush()
    uow.emit(REGISTERED, event_of(community), correlation_id=community.code)
    return community


def update(uow, community: Community, wanted: dict, sealer=None) -> bool:
    """Change what `wanted` changes; announced only when something did (True then)."""
    changed = rules.changes(event_of(community), wanted)
    if not _office(community, wanted, sealer) and not changed:
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
