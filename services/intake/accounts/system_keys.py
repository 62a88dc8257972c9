"""A government system's secrets after registration: a new API key (the old one stops working at
once), a new broker password set on its broker user, or revocation of both; each audited."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from kombu import Connection
from sqlalchemy import select

from services.intake.accounts import actions
from services.intake.accounts.broker import BrokerUnreachable, ManagementApi, grants
from services.intake.accounts.models import Account
from services.intake.errors import AccountNotFound
from shared import audit
from shared.access import SYSTEM


@dataclass(frozen=True)
class BrokerChange:
    """What happened on the broker; `commands` are for the operator when it could not be done."""

    user: str
    vhost: str
    applied: bool
    commands: list[list[str]]
    password: str | None = None


def find(session, admin_scope, app_id: str) -> Account:
    """The system named `app_id`; systems span the city, so only a city-wide admin reaches one."""
    account = session.scalars(select(Account).where(Account.role == SYSTEM,
                                                    Account.app_id == app_id)).one_or_none()
    if account is None or admin_scope:
        raise AccountNotFound("app_id")
    return account


def listed(session) -> list[Account]:
    return list(session.scalars(select(Account).where(Account.role == SYSTEM)
                                .order_by(Account.app_id)))


def vhost_of(broker_url: str) -> str:
    """The vhost a broker URL names ('/' when none), without connecting."""
    return Connection(broker_url).virtual_host or "/"


def _on_rabbitmq(broker_url: str) -> bool:
    return not broker_url.startswith("memory:")


def rotate_api_key(uow, by, account: Account) -> str:
    """A new API key, returned once; the old one stops working; a revoked system is restored."""
    key = secrets.token_urlsafe(32)
    account.api_key_hash = actions.hash_api_key(key)
    account.disabled = False
    actions.end_sessions(uow.session, account)
    audit.record(uow, by, "system.api_key_rotated", "account", account.id, None,
                 {"app_id": account.app_id})
    return key


def rotate_broker_password(uow, by, account: Account, broker_url: str,
                           api: ManagementApi | None) -> BrokerChange:
    """A new password on the system's own broker user, with exactly its grants again."""
    g = grants(account.app_id, vhost_of(broker_url))
    password = secrets.token_urlsafe(24)
    applied = False
    if api is not None and _on_rabbitmq(broker_url):
        try:
            api.apply(g, password)
            applied = True
        except BrokerUnreachable:
            pass  # the operator runs the commands instead
    account.broker_user = g.user  # a system on a shared user gets its own from now on
    audit.record(uow, by, "system.broker_password_rotated", "account", account.id, None,
                 {"app_id": account.app_id, "applied": applied})
    return BrokerChange(g.user, g.vhost, applied, [] if applied else g.rabbitmqctl(password),
                        password)


def revoke(uow, by, account: Account, broker_url: str, api: ManagementApi | None) -> BrokerChange:
    """The API key and the broker user both stop working; rotating both brings it back."""
    account.disabled = True
    account.api_key_hash = None
    actions.end_sessions(uow.session, account)
    # Only a user named like the system is its own: a shared one (dev's guest) is left alone.
    user = account.broker_user if account.broker_user == account.app_id else None
    applied = user is None
    if user and api is not None and _on_rabbitmq(broker_url):
        try:
            api.remove(user)
            applied = True
        except BrokerUnreachable:
            pass
    audit.record(uow, by, "system.revoked", "account", account.id, None,
                 {"app_id": account.app_id, "broker_user_removed": bool(user) and applied})
    return BrokerChange(user or "", vhost_of(broker_url), applied,
                        [] if applied else [["rabbitmqctl", "delete_user", user]])
