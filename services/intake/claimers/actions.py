"""Claimer registration rules for people: register, update, and announce them on the bus."""
from __future__ import annotations

from sqlalchemy import select

from services.intake.accounts.actions import create_account
from services.intake.accounts.models import Account
from services.intake.claimers.models import PERSON, Member, Organisation
from services.intake.communities.models import Community
from services.intake.errors import UnknownUnit, UsernameTaken
from shared.access import LIAISON, MEMBER, STREET_ADMIN, UNIT_ADMIN
from shared.envelope import utcnow

REGISTERED, UPDATED = "member.registered", "member.updated"
OFFER = ("skills", "skills_other", "available_times", "available_times_note")
_PROFILE = ("name", "party_member", "unit_code", "unit_name", "community_code", *OFFER)


def known_units(session) -> dict[str, str]:
    """Units a member may name as employer: registered organisations and units with an admin."""
    units = dict(session.execute(select(Account.unit_code, Account.display_name).where(
        Account.role == UNIT_ADMIN, Account.unit_code.is_not(None))).all())
    units.update(session.execute(select(Organisation.code, Organisation.name)).all())
    return units


def known_communities(session) -> list[str]:
    """What a form suggests: the registered communities and those somebody looks after."""
    lists = session.scalars(select(Account.communities).where(
        Account.role.in_((LIAISON, STREET_ADMIN)))).all()
    registered = session.scalars(select(Community.code)).all()
    return sorted({c for codes in lists for c in codes or ()} | set(registered))


def check_username(session, username: str, field: str = "username") -> None:
    if session.scalar(select(Account.id).where(Account.username == username)) is not None:
        raise UsernameTaken(field)


def _resolve_unit(session, data: dict) -> None:
    """A unit named by code must be known; its registered name fills a missing unit_name."""
    code = data.get("unit_code")
    if code is None:
        return
    name = known_units(session).get(code)
    if name is None:
        raise UnknownUnit("unit_code")
    if not data.get("unit_name"):
        data["unit_name"] = name


def register_person(uow, sealer, data: dict) -> Member:
    """A person reports (报到): a member account and their profile, announced on the bus."""
    session = uow.session
    check_username(session, data["username"])
    _resolve_unit(session, data)
    account, _ = create_account(session, data["username"], MEMBER, data["name"], data["password"],
                                communities=[data["community_code"]],
                                unit_code=data.get("unit_code"))
    now = utcnow()
    member = Member(account=account, kind=PERSON, phone_enc=sealer.seal(data["phone"]),
                    org_code=None, created_at=now, updated_at=now,
                    **{k: data.get(k) for k in _PROFILE})
    session.add(member)
    session.flush()
    uow.emit(REGISTERED, event_of(member, sealer), correlation_id=member.id)
    return member


def create_profile(uow, sealer, account: Account, data: dict) -> Member:
    """An existing member account (created before registration opened) reports now."""
    _resolve_unit(uow.session, data)
    now = utcnow()
    member = Member(account=account, kind=PERSON, phone_enc=sealer.seal(data["phone"]),
                    created_at=now, updated_at=now, **{k: data.get(k) for k in _PROFILE})
    uow.session.add(member)
    _sync_account(member)
    uow.session.flush()
    uow.emit(REGISTERED, event_of(member, sealer), correlation_id=member.id)
    return member


def update_person(uow, sealer, member: Member, changes: dict) -> Member:
    """Change a person's profile (only what was sent); their account's scope follows."""
    if "unit_code" in changes:
        if changes["unit_code"] is None:  # no longer with that unit: its name goes too
            changes.setdefault("unit_name", None)
        _resolve_unit(uow.session, changes)
    if "phone" in changes:
        member.phone_enc = sealer.seal(changes.pop("phone"))
    for key, value in changes.items():
        setattr(member, key, value)
    member.updated_at = utcnow()
    _sync_account(member)
    uow.emit(UPDATED, event_of(member, sealer), correlation_id=member.id)
    return member


def update_admin(uow, sealer, member: Member, changes: dict) -> Member:
    """An admin changes their own name or phone; the organisation's profile is unchanged."""
    if "phone" in changes:
        member.phone_enc = sealer.seal(changes["phone"])
    if "name" in changes:
        member.name = changes["name"]
    member.updated_at = utcnow()
    _sync_account(member)
    if "phone" in changes:  # matching's notices follow the new number
        uow.emit(UPDATED, event_of(member, sealer), correlation_id=member.id)
    return member


def _sync_account(member: Member) -> None:
    """The token carries name, community and unit: the next one issued shows the change."""
    account = member.account
    account.display_name = member.name
    if member.kind == PERSON:
        account.communities = [member.community_code] if member.community_code else []
        account.unit_code = member.unit_code


def contact_of(member: Member, sealer) -> str | None:
    """Where matching's notices reach the member, sealed: {"phone"} (None without a sealer or
    a phone); only matching opens it."""
    if sealer is None or not member.phone_enc:
        return None
    return sealer.seal({"phone": sealer.open(member.phone_enc)})


def event_of(member: Member, sealer=None) -> dict:
    """A claimer as matching and scoring keep them: personal data only sealed (the contact)."""
    org = member.organisation
    return {"member_id": member.id, "kind": member.kind,
            "display_name": org.name if org else member.name,
            "party_member": bool(member.party_member), "unit_code": member.unit_code,
            "unit_name": member.unit_name, "community_code": member.community_code,
            "skills": list(member.skills or ()),
            "available_times": list(member.available_times or ()),
            "org_code": member.org_code, "org_type": org.type if org else None,
            "contact_sealed": contact_of(member, sealer)}
