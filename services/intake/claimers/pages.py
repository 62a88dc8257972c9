"""The registration pages (党员报到): a person's form, an organisation's, both behind a CSRF cookie."""
from __future__ import annotations

import re

from flask import Blueprint, make_response, redirect, request
from marshmallow import ValidationError

from services.intake.accounts.pages import start_session
from services.intake.accounts.models import Account
from services.intake.claimers import actions as members, organisations as member_orgs
from services.intake.claimers.http import admit_registration, commit_registration, sealer
from services.intake.claimers.models import ORG_TYPES, Member
from services.intake.claimers.schemas import (MemberRegistrationSchema,
                                              OrganisationRegistrationSchema)
from services.intake.communities import actions as communities
from shared.access import CSRF_FIELD, principal, public
from shared.errors import ApiError, DomainError, field_errors
from shared.pages import render
from shared.vocab import SKILLS, TIMES
from shared.web import CsrfCookie, as_api_error, uow

bp = Blueprint("member_pages", __name__)
# Anonymous visitors have no session to bind a token to: a double-submit cookie instead.
_JOIN_CSRF = CsrfCookie("mw_join_csrf", "/join")
_LISTS = ("skills", "available_times", "organisation.skills", "organisation.available_times")
_MISMATCH = "两次输入的密码不一致"


def _values(form) -> dict:
    """The form as sent, by field name; blanks left out so required fields say so."""
    values = {k: v.strip() for k, v in form.items()
              if k not in _LISTS and k != CSRF_FIELD and "password" not in k and v.strip()}
    values.update({k: form.getlist(k) for k in _LISTS if k in form})
    return values


def _nest(values: dict, password_field: str) -> dict:
    """Form names like `organisation.code` become the API's nested body; yes/no a boolean."""
    body: dict = {}
    for name, value in values.items():
        head, _, tail = name.rpartition(".")
        (body.setdefault(head, {}) if head else body)[tail] = value
    password = request.form.get(password_field, "")
    if password:
        head, _, tail = password_field.rpartition(".")
        (body.setdefault(head, {}) if head else body)[tail] = password
    if "party_member" in body:
        body["party_member"] = {"yes": True, "no": False}.get(body["party_member"], "?")
    return body


def _page(template: str, status: int = 200, **context):
    token = _JOIN_CSRF.token()
    session = uow().session
    units, codes = members.known_units(session), members.known_communities(session)
    names = communities.names(session, codes)
    html, status = render(template, status, join_csrf=token, skills=SKILLS, times=TIMES,
                          org_types=ORG_TYPES, units=sorted(units.items(), key=lambda u: u[1]),
                          communities={c: names.get(c, c) for c in codes},
                          values=context.pop("values", {}), errors=context.pop("errors", {}),
                          **context)
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return _JOIN_CSRF.give(response, token)


def _logged_in(account_id: str):
    """Registered: start their session at once and show what they reported."""
    account = uow().session.get(Account, account_id)
    return _JOIN_CSRF.drop(start_session(redirect("/join/done", 303), account))


def _by_field(fields: list[dict]) -> dict:
    """Each field's first message; a list item's (`skills.3`) shown at its list."""
    out: dict = {}
    for f in fields:
        out.setdefault(re.sub(r"(\.\d+)+$", "", f["field"]), f["message"])
    return out


def _submit(template: str, schema, register, admin: str = ""):
    """Check the form token, validate like the API does, register, log in; else show why.

    `admin` is the prefix of the account's fields ("admin." on the organisation's form)."""
    values, password = _values(request.form), admin + "password"
    if not _JOIN_CSRF.sent_back():
        return _page(template, 403, values=values, error="页面已失效，请重新提交")
    errors: dict = {}
    try:
        data = schema.load(_nest(values, password))
    except ValidationError as exc:
        errors = _by_field(field_errors(exc.messages))
    if request.form.get(password, "") != request.form.get(password + "2", ""):
        errors.setdefault(password + "2", _MISMATCH)
    if errors:
        return _page(template, 422, values=values, errors=errors,
                     error="提交的内容有误，请检查标出的项目")
    username = data["admin"]["username"] if admin else data["username"]
    try:
        admit_registration()
        member = commit_registration(lambda unit: register(unit, data), username,
                                     "organisation.code" if admin else None, admin + "username")
    except (ApiError, DomainError) as refused:
        err = as_api_error(refused)
        return _page(template, err.status, values=values, error=err.message,
                     errors=_by_field(err.fields))
    return _logged_in(member.id)


@bp.get("/join")
@public
def join_form():
    return _page("join.html")


@bp.post("/join")
@public
def join_submit():
    return _submit("join.html", MemberRegistrationSchema(),
                   lambda unit, data: members.register_person(unit, sealer(), data))


@bp.get("/join/organisation")
@public
def join_organisation_form():
    return _page("join_organisation.html")


@bp.post("/join/organisation")
@public
def join_organisation_submit():
    return _submit("join_organisation.html", OrganisationRegistrationSchema(),
                   lambda unit, data: member_orgs.register_organisation(
                       unit, sealer(), data["organisation"], data["admin"])[1], admin="admin.")


@bp.get("/join/done")
@public
def join_done():
    """What the newly registered (now logged in) claimer reported; others are sent to the form."""
    who = principal()
    member = uow().session.get(Member, who.id) if who else None
    if member is None:
        return redirect("/join", 303)
    html, status = render("join_done.html", member=member, skills=SKILLS, times=TIMES,
                          org_types=ORG_TYPES, community_name=communities.name_of(
                              uow().session, member.community_code) if member.community_code
                          else None)
    return html, status, {"Cache-Control": "no-store"}
