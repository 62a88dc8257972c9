"""Register a government system as a client: an API key for HTTP, its own RabbitMQ user for the queue.

`microwish systems register <app_id> [name]` (or `python -m services.intake.accounts.systems
register ...`) creates the account, prints the API key once, and prints the rabbitmqctl commands
that give the system's broker user only what it needs: publish to microwish.intake, and its own
receipt queues `receipts.<app_id>...`.
"""
from __future__ import annotations

import re
import secrets

import click
from sqlalchemy.exc import IntegrityError

from services.intake.accounts.actions import create_account
from services.intake.accounts.rules import valid_app_id
from services.worker import service_module
from shared.db import Database
from shared.settings import from_env


def broker_permissions(app_id: str) -> tuple[str, str, str]:
    """(configure, write, read) regexes for the system's broker user."""
    own = rf"^receipts\.{re.escape(app_id)}(\..*)?$"
    return own, rf"^microwish\.intake$|{own}", rf"^microwish\.events$|{own}"


def rabbitmqctl_commands(app_id: str, vhost: str = "/") -> list[list[str]]:
    password = secrets.token_urlsafe(24)
    configure, write, read = broker_permissions(app_id)
    return [["rabbitmqctl", "add_user", app_id, password],
            ["rabbitmqctl", "set_permissions", "-p", vhost, app_id, configure, write, read]]


def register(db, app_id: str, display_name: str) -> str:
    """Create the system's account; returns its API key (shown once, stored only as a hash)."""
    if not valid_app_id(app_id):
        raise ValueError("app_id: lower-case letters, digits, - and _ only")
    with db.uow() as uow:
        _, api_key = create_account(uow.session, app_id, "system", display_name, app_id=app_id,
                                    broker_user=app_id)
        uow.commit()
    return api_key


@click.group("systems")
def systems() -> None:
    """Government systems that submit wishes over the queue or HTTP."""


@systems.command("register")
@click.argument("app_id")
@click.argument("name", required=False)
def register_system(app_id: str, name: str | None) -> None:
    """Register a system: prints its API key once and its broker user's grants.

    APP_ID: lower-case letters, digits, - and _; NAME: how people see it (default APP_ID).
    """
    if not valid_app_id(app_id):  # said as click says any bad argument, before the database
        raise click.BadParameter("lower-case letters, digits, - and _ only", param_hint="APP_ID")
    db = Database(from_env(), "intake", service_module("intake").METADATA)
    try:
        api_key = register(db, app_id, name or app_id)
    except ValueError as exc:  # an app_id reserved for people's own submissions
        raise click.BadParameter(str(exc), param_hint="APP_ID") from None
    except IntegrityError:  # its account (the same username and app_id) exists: keep its key
        raise click.ClickException(f"{app_id} is already registered") from None
    finally:
        db.dispose()
    click.echo(f"API key for {app_id} (shown once): {api_key}")
    click.echo("broker user (run on the RabbitMQ node; the password is printed only here):")
    for command in rabbitmqctl_commands(app_id):
        click.echo("  " + " ".join(f"'{part}'" if " " in part or "^" in part else part
                                   for part in command))


if __name__ == "__main__":
    systems(prog_name="python -m services.intake.accounts.systems")
