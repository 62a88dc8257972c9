"""`/api/v1/accounts`: district admins administer staff accounts (audited; passwords shown once)."""
from __future__ import annotations

from flask import Blueprint, request

from services.intake.accounts import staff
from services.intake.accounts.actions import account_view
from services.intake.accounts.schemas import NoBody, StaffChangesSchema, StaffSchema
from services.intake.errors import SelfChange
from shared.access import DISTRICT_ADMIN, allow, require_principal
from shared.errors import ApiError
from shared.web import load_json, uow

bp = Blueprint("staff", __name__, url_prefix="/api/v1/accounts")


def optional_json(schema) -> dict:
    """An action's body: none at all is an empty one; anything sent is checked as usual."""
    if not request.get_data(cache=True) and not request.is_json:
        return {}
    return load_json(schema)


def _admin_scope():
    """The districts (or communities) the caller's account names; () for the whole city."""
    return require_principal().communities


@bp.get("")
@allow(DISTRICT_ADMIN)
def list_accounts():
    role = request.args.get("role") or None
    if role is not None and role not in staff.rules.STAFF_ROLES:
        raise ApiError(422, "validation_failed", [staff.rules.problem(
            "role", "role_not_staff", "只能按工作人员角色筛选")])
    return {"items": [account_view(a) for a in staff.listed(uow().session, _admin_scope(), role)]}


@bp.post("")
@allow(DISTRICT_ADMIN)
def create_account():
    """201 with the account and its temporary password (shown once, changed at first login)."""
    data = load_json(StaffSchema())
    unit = uow()
    account, password = staff.create(unit, require_principal(), _admin_scope(), data)
    unit.commit()
    return {**account_view(account), "temporary_password": password}, 201


@bp.get("/<account_id>")
@allow(DISTRICT_ADMIN)
def get_account(account_id: str):
    return account_view(staff.reachable(uow().session, _admin_scope(), account_id))


@bp.patch("/<account_id>")
@allow(DISTRICT_ADMIN)
def change_account(account_id: str):
    """Change name, role, scope, or `disabled`; a new role, scope or disabling ends its sessions."""
    changes = load_json(StaffChangesSchema())
    who = require_principal()
    if account_id == who.id and set(changes) - {"name"}:
        raise SelfChange(sorted(set(changes) - {"name"})[0])
    unit = uow()
    account = staff.reachable(unit.session, _admin_scope(), account_id)
    if staff.change(unit, who, _admin_scope(), account, changes):
        unit.commit()
    return account_view(account)


@bp.post("/<account_id>/password-reset")
@allow(DISTRICT_ADMIN)
def reset_password(account_id: str):
    """A temporary password, shown once; the account's sessions end and it must change it."""
    optional_json(NoBody())
    unit = uow()
    account = staff.reachable(unit.session, _admin_scope(), account_id)
    password = staff.reset_password(unit, require_principal(), account)
    unit.commit()
    return {**account_view(account), "temporary_password": password}
