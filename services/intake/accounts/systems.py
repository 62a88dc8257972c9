"""Register a government system as a client: an API key for HTTP, its own RabbitMQ user for the queue.

`python -m services.intake.systems register <app_id>` creates the account, prints the API key
once, and prints the rabbitmqctl commands that give the system's broker user only what it needs:
publish to microwish.intake, and its own receipt queues `receipts.<app_id>...`.
"""
from __future__ import annotations

import re
import secrets
import sys

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


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[0] != "register":
        raise SystemExit("usage: python -m services.intake.systems register <app_id> [name]")
    app_id, name = argv[1], argv[2] if len(argv) > 2 else argv[1]
    settings = from_env()
    db = Database(settings, "intake", service_module("intake").METADATA)
    print(f"API key for {app_id} (shown once): {register(db, app_id, name)}")
    print("broker user (run on the RabbitMQ node; the password is printed only here):")
    for command in rabbitmqctl_commands(app_id):
        print("  " + " ".join(f"'{part}'" if " " in part or "^" in part else part
                              for part in command))


if __name__ == "__main__":
    main(sys.argv[1:])
