"""`/api/v1/communities`: anyone reads the list; district admins register and change them."""
from __future__ import annotations

from flask import Blueprint, current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.intake.claimers.http import query_args
from services.intake.communities import actions, rules
from services.intake.communities.models import Community
from services.intake.communities.schemas import (CommunityChangesSchema, CommunityListArgs,
                                                 CommunitySchema)
from services.intake.errors import CommunityCodeTaken, OutsideDistrict
from shared.access import DISTRICT_ADMIN, allow, public, require_principal
from shared.web import load_json, uow

bp = Blueprint("communities", __name__, url_prefix="/api/v1/communities")


def community_view(community: Community) -> dict:
    """A community as anyone reads it: whether its office can be told, not the contact."""
    profile = actions.event_of(community)
    has_office = profile.pop("office_contact_sealed") is not None
    return {**profile, "meeting_day_label": rules.label(community.meeting_day),
            "office_contact_set": has_office}


def _check_district(district: str) -> None:
    """A district admin whose account names districts (or their communities) manages only those."""
    if not rules.may_manage(require_principal().communities, district):
        raise OutsideDistrict("district")


@bp.get("")
@public
def list_communities():
    args = query_args(CommunityListArgs())
    query = select(Community).order_by(Community.district, Community.code)
    if "district" in args:
        query = query.where(Community.district == args["district"])
    return {"items": [community_view(c) for c in uow().session.scalars(query)]}


@bp.get("/<code>")
@public
def get_community(code: str):
    return community_view(actions.find(uow().session, code))


@bp.post("")
@allow(DISTRICT_ADMIN)
def register_community():
    data = load_json(CommunitySchema())
    _check_district(data["district"])
    unit = uow()
    try:
        community = actions.register(unit, data, current_app.extensions["microwish.sealer"])
        unit.commit()
    except IntegrityError as exc:  # the same code raced in from another request
        unit.session.rollback()
        raise CommunityCodeTaken("code") from exc
    return community_view(community), 201


@bp.patch("/<code>")
@allow(DISTRICT_ADMIN)
def update_community(code: str):
    """Change a community's names or meeting day; nothing changed, nothing announced."""
    changes = load_json(CommunityChangesSchema())
    unit = uow()
    community = actions.find(unit.session, code)
    _check_district(community.district)
    if actions.update(unit, community, changes, current_app.extensions["microwish.sealer"]):
        unit.commit()
    return community_view(community)
