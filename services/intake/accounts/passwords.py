"""Changing a password: after a temporary one (the login gave a token that can do only this), or
with the current one; the new one must differ and every earlier session ends."""
from __future__ import annotations

from services.intake.accounts import actions
from services.intake.accounts.models import Account
from shared import audit
from shared.access import PASSWORD_CHANGE
from shared.errors import MESSAGES_ZH, ApiError
from shared.tokens import TokenError

# A token of this kind opens nothing but the password change (every service verifies tokens
# by kind, so none accepts it as a session).
KIND = PASSWORD_CHANGE
TTL_SECONDS = 600


def change_required(tokens, account: Account) -> dict:
    """The login's answer for a temporary password: a token to change it with, nothing more."""
    token, _ = tokens.issue(actions.principal_of(account), TTL_SECONDS, KIND)
    return {"status": "password_change_required", "password_change_token": token,
            "expires_in": TTL_SECONDS, "account": actions.account_view(account)}


def _field(field: str, code: str) -> ApiError:
    return ApiError(422, "validation_failed", [{"field": field, "code": code,
                                                "message": MESSAGES_ZH[code]}])


def holder(session, tokens, token: str) -> Account:
    """The account a password-change token was issued to, if it still must change it."""
    try:
        claims = tokens.verify(token, KIND)
    except TokenError as exc:
        raise ApiError(401, exc.code) from exc
    account = session.get(Account, claims["sub"])
    if (account is None or account.disabled or not account.must_change_password
            or (account.token_version or 0) != int(claims.get("ver") or 0)):
        raise ApiError(401, "invalid_token")
    return account


def change(uow, tokens, data: dict, who) -> Account:
    """Set the new password (checked) for the token's holder or the logged-in caller."""
    session = uow.session
    if data.get("password_change_token"):
        account = holder(session, tokens, data["password_change_token"])
    else:
        if who is None:
            raise ApiError(401, "authentication_required")
        account = session.get(Account, who.id)
        if account is None or account.password_hash is None:
            raise ApiError(404, "not_found")
        if not data.get("current_password"):
            raise _field("current_password", "required_current_password")
        if not actions.verify_password(account, data["current_password"]):
            raise _field("current_password", "wrong_password")
    new = data["new_password"]
    if new == account.username:
        raise _field("new_password", "weak_password")
    if actions.verify_password(account, new):
        raise _field("new_password", "same_password")
    actions.set_password(session, account, new)
    audit.record(uow, actions.principal_of(account), "account.password_changed", "account",
                 account.id, (account.communities or [None])[0], {})
    return account
