"""Accounts: create them, check passwords and API keys, and issue and revoke their tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update

from services.intake.accounts.models import Account, RefreshToken
from services.intake.submissions.rules import PEOPLE_SOURCES
from shared.access import ROLES, SYSTEM
from shared.envelope import new_id, utcnow
from shared.tokens import Principal, TokenError, Tokens

# argon2id with the library's current defaults (RFC 9106 low-memory profile).
_hasher = PasswordHasher()
# Checked against when the username is unknown, so both paths cost the same time.
_DUMMY_HASH = _hasher.hash("no-such-account")


class LoginFailed(Exception):
    pass


def hash_api_key(key: str) -> str:
    """API keys are long and random, so a plain SHA-256 is enough to store them safely."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_account(session, username: str, role: str, display_name: str,
                   password: str | None = None, communities=(), unit_code=None, org_code=None,
                   app_id=None, broker_user=None) -> tuple[Account, str | None]:
    """A new account; a system client gets a fresh API key, returned once and stored hashed."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")
    if app_id in PEOPLE_SOURCES:  # people's submissions carry these sources; no system may
        raise ValueError(f"app_id {app_id!r} is reserved")
    api_key = secrets.token_urlsafe(32) if role == SYSTEM else None
    account = Account(
        id=new_id(), username=username, role=role, display_name=display_name,
        password_hash=_hasher.hash(password) if password else None,
        communities=list(communities), unit_code=unit_code, org_code=org_code, app_id=app_id,
        broker_user=broker_user, api_key_hash=hash_api_key(api_key) if api_key else None,
        disabled=False, created_at=utcnow())
    session.add(account)
    return account, api_key


def principal_of(account: Account) -> Principal:
    return Principal(id=account.id, role=account.role, name=account.display_name,
                     communities=tuple(account.communities or ()), unit=account.unit_code,
                     org=account.org_code, app_id=account.app_id,
                     version=account.token_version or 0)


def token_current(session, who: Principal) -> bool:
    """Whether a token is still good: its account enabled and not reset since it was issued.

    Tokens of accounts intake does not hold (services' own tests sign their callers) pass.
    """
    row = session.execute(select(Account.disabled, Account.token_version).where(
        Account.id == who.id)).one_or_none()
    return row is None or (not row.disabled and (row.token_version or 0) == who.version)


def end_sessions(session, account: Account) -> None:
    """Every token issued so far stops working: access tokens by version, refresh by revocation."""
    account.token_version = (account.token_version or 0) + 1
    revoke_all(session, account.id)


def verify_password(account: Account, password: str) -> bool:
    try:
        return bool(account.password_hash) and _hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def set_password(session, account: Account, password: str, temporary: bool = False) -> None:
    """A new password; a temporary one must be changed at next login. Old sessions end."""
    account.password_hash = _hasher.hash(password)
    account.must_change_password = temporary
    end_sessions(session, account)


def check_password(session, username: str, password: str) -> Account:
    """The account these credentials open; LoginFailed otherwise (same answer, same cost)."""
    account = session.scalars(select(Account).where(Account.username == username)).one_or_none()
    try:
        _hasher.verify(account.password_hash if account and account.password_hash else _DUMMY_HASH,
                       password)
    except (VerificationError, InvalidHashError):
        raise LoginFailed(username)
    if account is None or account.disabled or account.password_hash is None:
        raise LoginFailed(username)
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return account


def by_api_key(session, key: str) -> Account | None:
    account = session.scalars(
        select(Account).where(Account.api_key_hash == hash_api_key(key))).one_or_none()
    return None if account is None or account.disabled else account


def issue_pair(session, tokens: Tokens, account: Account, access_ttl: int,
               refresh_ttl: int) -> dict:
    """An access token and a refresh token whose id is kept, so it can be revoked."""
    who = principal_of(account)
    access, _ = tokens.issue(who, access_ttl, "access")
    refresh, claims = tokens.issue(who, refresh_ttl, "refresh")
    session.add(RefreshToken(jti=claims["jti"], account_id=account.id,
                             expires_at=datetime.fromtimestamp(claims["exp"], timezone.utc)))
    return {"access_token": access, "token_type": "Bearer", "expires_in": access_ttl,
            "refresh_token": refresh, "refresh_expires_in": refresh_ttl,
            "account": account_view(account)}


def rotate(session, tokens: Tokens, refresh_token: str, access_ttl: int,
           refresh_ttl: int) -> dict:
    """Trade a refresh token for a new pair; a reused (revoked) one revokes every session."""
    claims = tokens.verify(refresh_token, "refresh")
    stored = session.get(RefreshToken, claims["jti"], with_for_update=True)
    if stored is None:
        raise TokenError("invalid_token")
    if stored.revoked_at is not None:
        revoke_all(session, stored.account_id)  # a stolen token is being replayed
        raise TokenError("invalid_token")
    account = session.get(Account, stored.account_id)
    if account is None or account.disabled:
        raise TokenError("invalid_token")
    stored.revoked_at = utcnow()
    return issue_pair(session, tokens, account, access_ttl, refresh_ttl)


def revoke(session, tokens: Tokens, refresh_token: str, account_id: str) -> None:
    """Log one session out; a token of another account is ignored."""
    try:
        claims = tokens.verify(refresh_token, "refresh")
    except TokenError:
        return
    session.execute(update(RefreshToken).where(
        RefreshToken.jti == claims["jti"], RefreshToken.account_id == account_id,
        RefreshToken.revoked_at.is_(None)).values(revoked_at=utcnow()))


def revoke_all(session, account_id: str) -> None:
    session.execute(update(RefreshToken).where(
        RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None)
    ).values(revoked_at=utcnow()))


def account_view(account: Account) -> dict:
    return {"id": account.id, "username": account.username, "role": account.role,
            "name": account.display_name, "communities": list(account.communities or ()),
            "unit_code": account.unit_code, "org_code": account.org_code,
            "app_id": account.app_id, "disabled": bool(account.disabled),
            "must_change_password": bool(account.must_change_password)}


