"""Organisations that claim wishes as a body, and their admins (who claim on their behalf)."""
from __future__ import annotations

from services.intake.accounts.actions import create_account
from services.intake.claimers.actions import (OFFER, REGISTERED, UPDATED, check_username, event_of,
                                              known_units)
from services.intake.claimers.models import ORGANISATION, Member, Organisation
from services.intake.errors import OrgCodeTaken
from shared.access import ORG_ADMIN
from shared.envelope import utcnow


def register_organisation(uow, sealer, org_data: dict,
                          admin: dict) -> tuple[Organisation, Member]:
    """An organisation and its first admin, who claims on its behalf."""
    session = uow.session
    if org_data["code"] in known_units(session):  # one code space for units and organisations
        raise OrgCodeTaken("organisation.code")
    check_username(session, admin["username"], "admin.username")
    now = utcnow()
    contact_phone = org_data.pop("contact_phone", None) or admin["phone"]
    org = Organisation(**org_data, contact_phone_enc=sealer.seal(contact_phone), created_at=now,
                       updated_at=now)
    org.contact_name = org.contact_name or admin["name"]
    session.add(org)
    return org, add_admin(uow, sealer, org, admin)


def add_admin(uow, sealer, org: Organisation, admin: dict) -> Member:
    """Another admin account for an organisation (its first at registration)."""
    session = uow.session
    check_username(session, admin["username"])
    account, _ = create_account(session, admin["username"], ORG_ADMIN, admin["name"],
                                admin["password"], communities=[org.community_code],
                                org_code=org.code)
    now = utcnow()
    member = Member(account=account, kind=ORGANISATION, name=admin["name"],
                    phone_enc=sealer.seal(admin["phone"]), party_member=False,
                    organisation=org, created_at=now, updated_at=now)
    _copy_organisation(org, member)
    session.add(member)
    session.flush()
    uow.emit(REGISTERED, event_of(member, sealer), correlation_id=member.id)
    return member


def update_organisation(uow, sealer, org: Organisation, changes: dict) -> Organisation:
    """Change an organisation's profile; each of its admins is announced again as a claimer."""
    if "contact_phone" in changes:
        org.contact_phone_enc = sealer.seal_optional(changes.pop("contact_phone"))
    for key, value in changes.items():
        setattr(org, key, value)
    org.updated_at = utcnow()
    for admin in org.admins:
        _copy_organisation(org, admin)
        admin.updated_at = org.updated_at
        admin.account.communities = [org.community_code]
        uow.emit(UPDATED, event_of(admin, sealer), correlation_id=admin.id)
    return org


def _copy_organisation(org: Organisation, admin: Member) -> None:
    """An admin claims for the organisation: their profile offers what it offers, where it is."""
    admin.community_code = org.community_code
    for key in OFFER:
        setattr(admin, key, getattr(org, key))
