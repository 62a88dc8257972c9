"""工作人员账号 page (`/accounts`): a district admin's list and forms; the same actions as the API.

A temporary password is shown once in the page that made it, never in a URL or a redirect.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, redirect, request

from services.intake.accounts import rules, staff
from services.intake.accounts.schemas import StaffChangesSchema, StaffSchema
from services.intake.errors import IntakeError
from shared.access import DISTRICT_ADMIN, allow, require_principal
from shared.errors import ApiError
from shared.pages import render
from shared.web import as_api_error, uow, validated

bp = Blueprint("staff_pages", __name__)


def _form_data(form, creating: bool) -> dict:
    """The form's fields as the API's body: communities one per line or comma-separated."""
    data = {}
    for name in ("username", "name", "role", "unit_code", "org_code") if creating else (
            "name", "role", "unit_code", "org_code"):
        value = form.get(name, "").strip()[:100]
        if value or creating and name in ("username", "name", "role"):
            data[name] = value
        elif name in ("unit_code", "org_code") and name in form:
            data[name] = None
    raw = form.get("communities")
    if raw is not None:
        codes = [c.strip() for c in raw.replace("，", ",").replace("\n", ",").split(",")]
        data["communities"] = [c for c in codes if c][:60]
    if not creating and form.get("disabled") in ("0", "1"):
        data["disabled"] = form["disabled"] == "1"
    return data


def _page(status: int = 200, errors=None, made=None, error: str | None = None):
    who = require_principal()
    return render("accounts.html", status, accounts=staff.listed(uow().session, who.communities),
                  roles=rules.STAFF_LABELS, errors=errors or [], made=made, error=error)


def _refused(exc: Exception):
    err = exc if isinstance(exc, ApiError) else as_api_error(exc)
    uow().session.rollback()
    return _page(err.status, err.fields, error=err.message)


@bp.get("/accounts")
@allow(DISTRICT_ADMIN)
def accounts_page():
    return _page()


@bp.post("/accounts")
@allow(DISTRICT_ADMIN)
def create_submit():
    who = require_principal()
    try:
        data = validated(StaffSchema(), _form_data(request.form, creating=True))
        account, password = staff.create(uow(), who, who.communities, data)
    except (ApiError, IntakeError) as exc:
        return _refused(exc)
    uow().commit()
    return _page(201, made={"account": account, "password": password, "said": "账号已创建"})


@bp.post("/accounts/<account_id>")
@allow(DISTRICT_ADMIN)
def change_submit(account_id: str):
    who = require_principal()
    try:
        changes = validated(StaffChangesSchema(), _form_data(request.form, creating=False))
        account = staff.reachable(uow().session, who.communities, account_id)
        staff.change(uow(), who, who.communities, account, changes)
    except (ApiError, IntakeError) as exc:
        return _refused(exc)
    uow().commit()
    return redirect("/accounts?m=" + quote("已保存"), 303)


@bp.post("/accounts/<account_id>/password-reset")
@allow(DISTRICT_ADMIN)
def reset_submit(account_id: str):
    who = require_principal()
    try:
        account = staff.reachable(uow().session, who.communities, account_id)
        password = staff.reset_password(uow(), who, account)
    except (ApiError, IntakeError) as exc:
        return _refused(exc)
    uow().commit()
    return _page(made={"account": account, "password": password, "said": "密码已重置"})
