"""Login over JSON: tokens for apps and other systems, refresh with rotation, logout."""
from __future__ import annotations

from flask import Blueprint, current_app
from marshmallow import RAISE, Schema, fields, validate

from services.intake import config
from services.intake.accounts import actions as accounts, passwords
from services.intake.accounts.limits import count_failure, count_success, refuse_if_throttled
from services.intake.accounts.models import Account
from services.intake.accounts.schemas import PasswordChangeSchema
from shared.access import ANYONE, ROLES, allow, principal, public, require_principal
from shared.errors import ApiError
from shared.fields import Flag
from shared.tokens import TokenError
from shared.web import load_json, uow

bp = Blueprint("auth", __name__, url_prefix="/api/v1/auth")
_HUMANS = tuple(r for r in ROLES if r != "system")


class LoginSchema(Schema):
    class Meta:
        unknown = RAISE

    username = fields.String(required=True, validate=validate.Length(1, 64, error="invalid_length"))
    password = fields.String(required=True,
                             validate=validate.Length(1, 256, error="invalid_length"))


class RefreshSchema(Schema):
    class Meta:
        unknown = RAISE

    refresh_token = fields.String(required=True,
                                  validate=validate.Length(1, 4000, error="invalid_length"))


class LogoutSchema(Schema):
    class Meta:
        unknown = RAISE

    refresh_token = fields.String(load_default=None,
                                  validate=validate.Length(1, 4000, error="invalid_length"))
    everywhere = Flag(load_default=False)


def login(username: str, password: str) -> Account:
    """Check credentials under the rate limits; the caller commits."""
    refuse_if_throttled(username)
    try:
        account = accounts.check_password(uow().session, username, password)
    except accounts.LoginFailed:
        count_failure(username)
        raise ApiError(401, "invalid_credentials")
    count_success(username)
    return account


@bp.post("/login")
@public
def login_json():
    """A token pair; an account on a temporary password gets only a token to change it with."""
    data = load_json(LoginSchema())
    account = login(data["username"], data["password"])
    tokens = current_app.extensions["microwish.tokens"]
    if account.must_change_password:
        uow().commit()
        return passwords.change_required(tokens, account)
    s = config.current()
    pair = accounts.issue_pair(uow().session, tokens, account, s.access_ttl_seconds,
                               s.refresh_ttl_seconds)
    uow().commit()
    return {"status": "logged_in", **pair}


@bp.post("/password")
@allow(ANYONE)
def change_password():
    """Change one's password: with the current one (logged in), or with the token a temporary
    password's login gave. Every other session ends; answers a fresh token pair."""
    data = load_json(PasswordChangeSchema())
    tokens = current_app.extensions["microwish.tokens"]
    unit = uow()
    account = passwords.change(unit, tokens, data, principal())
    s = config.current()
    pair = accounts.issue_pair(unit.session, tokens, account, s.access_ttl_seconds,
                               s.refresh_ttl_seconds)
    unit.commit()
    return {"status": "password_changed", **pair}


@bp.post("/refresh")
@allow(ANYONE)
def refresh():
    data = load_json(RefreshSchema())
    s = config.current()
    try:
        pair = accounts.rotate(uow().session, current_app.extensions["microwish.tokens"],
                               data["refresh_token"], s.access_ttl_seconds, s.refresh_ttl_seconds)
    except TokenError as exc:
        uow().commit()  # a replayed token's revocations stick
        raise ApiError(401, exc.code) from exc
    uow().commit()
    return pair


@bp.post("/logout")
@allow(*_HUMANS)
def logout():
    """End this session (or, with `everywhere`, all of them); the access token lapses soon."""
    data = load_json(LogoutSchema())
    who = require_principal()
    session = uow().session
    if data["everywhere"]:
        accounts.revoke_all(session, who.id)
    elif data["refresh_token"]:
        accounts.revoke(session, current_app.extensions["microwish.tokens"],
                        data["refresh_token"], who.id)
    uow().commit()
    return {"status": "logged_out"}


@bp.get("/me")
@allow(*ROLES)
def me():
    who = require_principal()
    account = uow().session.get(Account, who.id)
    if account is None:
        raise ApiError(404, "not_found")
    return accounts.account_view(account)
