"""Claimer registration over HTTP (党员报到): people, organisations, their admins, the rosters."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from marshmallow import ValidationError
from sqlalchemy import String, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from services.intake.accounts.models import Account
from services.intake.claimers import actions as members
from services.intake.claimers.models import Member
from services.intake.claimers.schemas import (AdminUpdateSchema, MemberListArgs,
                                              MemberRegistrationSchema, ProfileSchema, choices)
from services.intake.claimers.views import member_view
from services.intake.errors import OrgCodeTaken, UsernameTaken
from services.intake.models import RATE_LIMITS
from shared.access import (DISTRICT_ADMIN, LIAISON, MEMBER, ORG_ADMIN, STREET_ADMIN, UNIT_ADMIN,
                           allow, in_communities, public, require_principal)
from shared.errors import ApiError, field_errors
from shared.ratelimit import RateLimit
from shared.web import database, load_json, uow

bp = Blueprint("members", __name__, url_prefix="/api/v1/members")
# A whole party branch may report together from one office address: generous, but bounded.
REGISTRATIONS_PER_WINDOW, REGISTRATION_WINDOW = 30, 3600
_NO_STORE = {"Cache-Control": "no-store"}


def sealer():
    return current_app.extensions["microwish.sealer"]


def admit_registration() -> None:
    """Count one registration from this client address; refuse once it has made too many."""
    limit = RateLimit(database().engine, RATE_LIMITS, REGISTRATIONS_PER_WINDOW,
                      REGISTRATION_WINDOW)
    key = f"register:addr:{request.remote_addr}"
    if limit.exceeded(key):
        raise ApiError(429, "too_many_requests", retry_after=limit.retry_after())
    limit.hit(key)


def commit_registration(action, username: str, code_field: str | None = None,
                        username_field: str = "username"):
    """Run `action(unit)` and commit; a lost race is refused like the rule it raced past."""
    unit = uow()
    try:
        result = action(unit)
        unit.commit()
        return result
    except IntegrityError as exc:  # the same username (or code) raced in from another request
        unit.session.rollback()
        taken = unit.session.scalar(select(Account.id).where(Account.username == username))
        if taken or code_field is None:
            raise UsernameTaken(username_field) from exc
        raise OrgCodeTaken(code_field) from exc


@bp.post("")
@public
def register_member():
    data = load_json(MemberRegistrationSchema())
    admit_registration()
    member = commit_registration(lambda unit: members.register_person(unit, sealer(), data),
                                 data["username"])
    return member_view(member, sealer(), own=True), 201, _NO_STORE


@bp.get("/choices")
@public
def registration_choices():
    """What a registration form offers: skills, times, organisation types, units, communities."""
    session = uow().session
    units = members.known_units(session)
    return {**choices(), "units": [{"code": c, "name": units[c]} for c in sorted(units)],
            "communities": members.known_communities(session)}


def _own_profile() -> Member | None:
    return uow().session.get(Member, require_principal().id)


@bp.get("/me")
@allow(MEMBER, ORG_ADMIN)
def get_me():
    member = _own_profile()
    if member is None:
        raise ApiError(404, "profile_missing")
    return member_view(member, sealer(), own=True), 200, _NO_STORE


@bp.patch("/me")
@allow(MEMBER, ORG_ADMIN)
def update_me():
    """Change one's own profile; a member account without one reports here in full."""
    who, unit = require_principal(), uow()
    member = _own_profile()
    try:
        if who.role == ORG_ADMIN:
            changes = load_json(AdminUpdateSchema(partial=True))
            if member is None:
                raise ApiError(404, "profile_missing")
            members.update_admin(unit, sealer(), member, changes)
        elif member is None:
            data = load_json(ProfileSchema())
            account = unit.session.get(Account, who.id)
            if account is None:
                raise ApiError(404, "not_found")
            member = members.create_profile(unit, sealer(), account, data)
        else:
            changes = load_json(ProfileSchema(partial=True))
            if changes:
                members.update_person(unit, sealer(), member, changes)
        unit.commit()
    except IntegrityError as exc:  # the same profile created twice at once
        raise ApiError(409, "invalid_state") from exc
    return member_view(member, sealer(), own=True), 200, _NO_STORE


def query_args(schema) -> dict:
    try:
        return schema.load(request.args.to_dict())
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", field_errors(exc.messages)) from exc


def _contains(column, code: str):
    """A JSON list holding `code` (the codes are controlled words, so text search is exact)."""
    return cast(column, String).contains(f'"{code}"', autoescape=True)


def page_of(query, args: dict, order) -> tuple[list, int]:
    session = uow().session
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(*order).offset(args["offset"]).limit(args["limit"]))
    return list(rows), total


@bp.get("")
@allow(LIAISON, STREET_ADMIN, DISTRICT_ADMIN, UNIT_ADMIN)
def list_members():
    """The roster: a community's reported members, or a unit's own; phones masked."""
    args, who = query_args(MemberListArgs()), require_principal()
    query = select(Member).options(selectinload(Member.organisation))
    if who.role == UNIT_ADMIN:  # an admin of no unit has no members (never "all without one")
        query = query.where(Member.unit_code == who.unit) if who.unit else query.where(False)
    else:
        query = in_communities(query, who, Member.community_code)
    for name in ("community_code", "unit_code", "kind", "party_member"):
        if name in args:
            query = query.where(getattr(Member, name) == args[name])
    if "skill" in args:
        query = query.where(_contains(Member.skills, args["skill"]))
    if "available_time" in args:
        query = query.where(_contains(Member.available_times, args["available_time"]))
    rows, total = page_of(query, args, (Member.created_at.desc(), Member.id))
    return {"items": [member_view(m, sealer()) for m in rows], "total": total,
            "offset": args["offset"], "limit": args["limit"]}
