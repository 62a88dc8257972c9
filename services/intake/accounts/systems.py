"""Register a government system as a client: an API key for HTTP, its own RabbitMQ user for the queue.

`microwish systems register <app_id> [name]` (or `python -m services.intake.accounts.systems
register ...`) creates the account, declares the system's receipts queue `receipts.<app_id>`,
and gives its broker user exactly its grants (broker.py) over the management API, printing the
API key and the broker password once. Without a reachable API (or on the all-in-one's
memory:// broker) it prints the rabbitmqctl commands that do the same on the RabbitMQ node.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import click
from kombu import Connection
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.intake.accounts import system_keys
from services.intake.accounts.actions import create_account
from services.intake.accounts.broker import (BrokerUnreachable, Grants, ManagementApi, grants,
                                             management_api)
from services.intake.accounts.models import Account
from services.intake.accounts.rules import valid_app_id
from services.intake.accounts.staff import CLI
from services.intake.errors import AccountNotFound
from services.worker import service_module
from shared.access import SYSTEM
from shared.broker import connection
from shared.db import Database
from shared.migrate import prepared
from shared.settings import from_env
from shared.topology import declare, declare_queue, receipts_queue


@dataclass(frozen=True)
class Registration:
    """What registering a system produced; its secrets are shown once and never stored in clear."""

    api_key: str
    broker_password: str
    grants: Grants
    applied: bool  # False: the operator still runs `commands` on the RabbitMQ node

    @property
    def commands(self) -> list[list[str]]:
        return [] if self.applied else self.grants.rabbitmqctl(self.broker_password)


def _on_rabbitmq(broker_url: str) -> bool:
    return not broker_url.startswith("memory:")  # the all-in-one's in-process bus has no users


def declare_receipts(connection: Connection, db) -> list[str]:
    """Declare every registered system's receipts queue (idempotent); the app_ids declared.

    The intake worker calls this when it starts, so systems registered before the platform
    declared their queues get theirs, and no receipt is ever unroutable.
    """
    with db.session() as session:
        app_ids = list(session.scalars(select(Account.app_id).where(
            Account.role == SYSTEM, Account.app_id.is_not(None))))
    declare(connection, [])  # the exchanges the queues bind to
    for app_id in app_ids:
        declare_queue(connection, receipts_queue(app_id))
    return app_ids


def register(db, app_id: str, display_name: str, broker_url: str = "memory://",
             api: ManagementApi | None = None) -> Registration:
    """Create the system's account, declare its receipts queue and grant its broker user."""
    if not valid_app_id(app_id):
        raise ValueError("app_id: lower-case letters, digits, - and _ only")
    with db.uow() as uow:
        _, api_key = create_account(uow.session, app_id, SYSTEM, display_name, app_id=app_id,
                                    broker_user=app_id)
        uow.session.flush()  # an existing system fails here, before its broker password changes
        password, applied = secrets.token_urlsafe(24), False
        if _on_rabbitmq(broker_url):
            with connection(broker_url) as conn:
                declare(conn, [])
                declare_queue(conn, receipts_queue(app_id))
                vhost = conn.virtual_host
        else:
            vhost = "/"
        g = grants(app_id, vhost)
        if api is not None and _on_rabbitmq(broker_url):
            try:
                api.apply(g, password)
                applied = True
            except BrokerUnreachable:
                pass  # the commands below do the same by hand
        uow.commit()
    return Registration(api_key, password, g, applied)


def _shell(command: list[str]) -> str:
    return " ".join(f"'{part}'" if " " in part or "^" in part else part for part in command)


@click.group("systems")
def systems() -> None:
    """Government systems that submit wishes over the queue or HTTP."""


@systems.command("register")
@click.argument("app_id")
@click.argument("name", required=False)
def register_system(app_id: str, name: str | None) -> None:
    """Register a system: its receipts queue, its broker user's grants; prints its secrets once.

    APP_ID: lower-case letters, digits, - and _; NAME: how people see it (default APP_ID).
    """
    if not valid_app_id(app_id):  # said as click says any bad argument, before the database
        raise click.BadParameter("lower-case letters, digits, - and _ only", param_hint="APP_ID")
    settings = from_env()
    prepared(settings, "intake")  # a fresh database gets intake's tables first
    db = Database(settings, "intake", service_module("intake").METADATA)
    try:
        done = register(db, app_id, name or app_id, settings.broker_url, management_api())
    except ValueError as exc:  # an app_id reserved for people's own submissions
        raise click.BadParameter(str(exc), param_hint="APP_ID") from None
    except IntegrityError:  # its account (the same username and app_id) exists: keep its key
        raise click.ClickException(f"{app_id} is already registered") from None
    finally:
        db.dispose()
    click.echo(f"API key for {app_id} (shown once): {done.api_key}")
    click.echo(f"receipts queue: {receipts_queue(app_id).name} (declared by the platform)")
    if done.applied:
        click.echo(f"broker user {app_id} in vhost {done.grants.vhost} "
                   f"(password shown once): {done.broker_password}")
        return
    click.echo("broker user (run on the RabbitMQ node; the password is printed only here):")
    for command in done.commands:
        click.echo("  " + _shell(command))


def _changed(app_id: str, change) -> None:
    """Rotate or revoke a system's secrets at the terminal, as `/api/v1/systems` does."""
    settings = from_env()
    prepared(settings, "intake")
    db = Database(settings, "intake", service_module("intake").METADATA)
    try:
        with db.uow() as uow:
            account = system_keys.find(uow.session, (), app_id)
            shown = change(uow, account, settings.broker_url)
            uow.commit()
    except AccountNotFound:
        raise click.ClickException(f"{app_id} is not a registered system") from None
    finally:
        db.dispose()
    for line in shown:
        click.echo(line)


def _broker_lines(done) -> list[str]:
    if done.applied:
        return []
    return ["broker (run on the RabbitMQ node):", *("  " + _shell(c) for c in done.commands)]


@systems.command("rotate-key")
@click.argument("app_id")
def rotate_key(app_id: str) -> None:
    """A new API key for APP_ID, printed once; the old one stops working at once."""
    _changed(app_id, lambda uow, account, _url: [
        f"new API key for {app_id} (shown once): {system_keys.rotate_api_key(uow, CLI, account)}"])


@systems.command("rotate-broker-password")
@click.argument("app_id")
def rotate_broker_password(app_id: str) -> None:
    """A new password on APP_ID's broker user (over the management API), printed once."""
    def change(uow, account, url):
        done = system_keys.rotate_broker_password(uow, CLI, account, url, management_api())
        if done.applied:
            return [f"broker user {done.user} in vhost {done.vhost} (password shown once): "
                    f"{done.password}"]
        return _broker_lines(done)
    _changed(app_id, change)


@systems.command("revoke")
@click.argument("app_id")
def revoke(app_id: str) -> None:
    """APP_ID's API key and broker user both stop working (rotate both to restore it)."""
    def change(uow, account, url):
        done = system_keys.revoke(uow, CLI, account, url, management_api())
        return [f"{app_id} revoked: its API key is refused"
                + (f", broker user {done.user} deleted" if done.applied and done.user else ""),
                *_broker_lines(done)]
    _changed(app_id, change)


if __name__ == "__main__":
    systems(prog_name="python -m services.intake.accounts.systems")
