"""Organisations that claim wishes (party organisations, companies) and their admins."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from services.intake.claimers import organisations as member_orgs
from services.intake.claimers.http import (admit_registration, commit_registration, page_of,
                                           query_args, sealer)
from services.intake.claimers.models import Organisation
from services.intake.claimers.schemas import (AdminSchema, OrganisationListArgs,
                                              OrganisationRegistrationSchema, OrganisationSchema)
from services.intake.claimers.views import member_view, organisation_view
from shared.access import (DISTRICT_ADMIN, LIAISON, ORG_ADMIN, STREET_ADMIN, allow, in_communities,
                           in_scope, public, require_principal)
from shared.errors import ApiError
from shared.web import load_json, uow

bp = Blueprint("member_orgs", __name__, url_prefix="/api/v1/members/organisations")
_OVERSEERS = (LIAISON, STREET_ADMIN, DISTRICT_ADMIN)
_NO_STORE = {"Cache-Control": "no-store"}


@bp.post("")
@public
def register_organisation():
    """An organisation registers itself with its first admin account (role org_admin)."""
    data = load_json(OrganisationRegistrationSchema())
    admit_registration()
    org, admin = commit_registration(
        lambda unit: member_orgs.register_organisation(
            unit, sealer(), data["organisation"], data["admin"]),
        data["admin"]["username"], "organisation.code", "admin.username")
    return {"organisation": organisation_view(org, sealer(), own=True),
            "admin": member_view(admin, sealer(), own=True)}, 201, _NO_STORE


@bp.get("")
@allow(*_OVERSEERS)
def list_organisations():
    args, who = query_args(OrganisationListArgs()), require_principal()
    query = select(Organisation).options(selectinload(Organisation.admins))
    query = in_communities(query, who, Organisation.community_code)
    for name in ("community_code", "type"):
        if name in args:
            query = query.where(getattr(Organisation, name) == args[name])
    rows, total = page_of(query, args, (Organisation.created_at.desc(), Organisation.code))
    return {"items": [organisation_view(o, sealer()) for o in rows], "total": total,
            "offset": args["offset"], "limit": args["limit"]}


def _visible(code: str) -> tuple[Organisation, bool]:
    """The organisation for its own admins (own=True) or its community's overseers; else 404."""
    who = require_principal()
    org = uow().session.get(Organisation, code)
    if org is None:
        raise ApiError(404, "not_found")
    if who.role == ORG_ADMIN:
        if who.org != org.code:
            raise ApiError(404, "not_found")  # another organisation's looks absent
        return org, True
    if not in_scope(who, org.community_code):
        raise ApiError(404, "not_found")
    return org, False


@bp.get("/<code>")
@allow(ORG_ADMIN, *_OVERSEERS)
def get_organisation(code: str):
    org, own = _visible(code)
    return organisation_view(org, sealer(), own=own), 200, _NO_STORE


@bp.patch("/<code>")
@allow(ORG_ADMIN)
def update_organisation(code: str):
    """Its admins change the organisation's profile; every admin is announced again."""
    changes = load_json(OrganisationSchema(exclude=("code",), partial=True))
    org, _ = _visible(code)
    unit = uow()
    if changes:
        member_orgs.update_organisation(unit, sealer(), org, changes)
        unit.commit()
    return organisation_view(org, sealer(), own=True), 200, _NO_STORE


@bp.post("/<code>/admins")
@allow(ORG_ADMIN)
def add_admin(code: str):
    """An admin adds another admin account for their organisation."""
    data = load_json(AdminSchema())
    org, _ = _visible(code)
    admin = commit_registration(lambda unit: member_orgs.add_admin(unit, sealer(), org, data),
                                data["username"])
    return member_view(admin, sealer()), 201
