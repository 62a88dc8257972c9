"""`microwish accounts`: the first district admin of a fresh deployment, and staff accounts for
operators at the terminal — the same rules and audit trail as the `/accounts` page.

    microwish accounts bootstrap USERNAME [--name NAME] [--district CODE]... [--password-stdin] [--force]
    microwish accounts create USERNAME --role ROLE --name NAME [--community CODE]... [--unit CODE] [--org CODE]
    microwish accounts list [--role ROLE]
    microwish accounts disable|enable|reset-password USERNAME

Each prints first which database it writes to and migrates intake's schema before writing.
Passwords never come as arguments (they would sit in the shell's history and `ps`).
"""
from __future__ import annotations

import sys

import click
from marshmallow import ValidationError
from sqlalchemy import select

from services.intake.accounts import actions, rules, staff
from services.intake.accounts.models import Account
from services.intake.accounts.schemas import USERNAME
from services.intake.errors import IntakeError
from shared import audit
from shared.access import DISTRICT_ADMIN, SYSTEM
from shared.db import Database
from shared.migrate import prepared
from shared.settings import from_env

# Accounts an operator administers here: staff, district admins, systems (not claimers).
_LISTED = (*rules.STAFF_ROLES, DISTRICT_ADMIN, SYSTEM)


def open_intake() -> Database:
    """Intake's database from the MICROWISH_* settings, said and migrated before any write."""
    from services.worker import service_module

    settings = from_env()
    prepared(settings, "intake")
    return Database(settings, "intake", service_module("intake").METADATA)


def _refused(exc: IntakeError) -> click.ClickException:
    said = "；".join(f"{f['field']} [{f['code']}] {f['message']}" for f in exc.fields)
    return click.ClickException(said or exc.code)


def _read_password(username: str, from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("密码 / password", hide_input=True, confirmation_prompt=True)
    if not 8 <= len(password) <= 128 or password == username:
        raise click.ClickException("weak_password: 密码须为 8 到 128 位，且不能与用户名相同")
    return password


def schemas_username_ok(username: str) -> bool:
    try:
        USERNAME(username)
    except ValidationError:
        return False
    return True


def _one(session, username: str) -> Account:
    account = session.scalars(select(Account).where(Account.username == username)).one_or_none()
    if account is None or account.role not in _LISTED:
        raise click.ClickException(f"no staff account {username!r}")
    return account


@click.group("accounts")
def accounts() -> None:
    """Staff accounts: the first district admin, then liaisons and other staff."""


@accounts.command("bootstrap")
@click.argument("username")
@click.option("--name", default="区县管理员", show_default=True, help="how people see the account")
@click.option("--district", "districts", multiple=True, metavar="CODE",
              help="the districts it manages (repeat); none: the whole city")
@click.option("--password-stdin", is_flag=True, help="read the password from stdin's first line")
@click.option("--force", is_flag=True, help="even though a district admin exists")
def bootstrap(username: str, name: str, districts: tuple[str, ...], password_stdin: bool,
              force: bool) -> None:
    """Create the first district admin of a fresh deployment (refused once one exists)."""
    if not schemas_username_ok(username):
        raise click.BadParameter("3 to 64 letters, digits or _ . @ -", param_hint="USERNAME")
    db = open_intake()
    try:
        with db.uow() as uow:
            exists = uow.session.scalar(select(Account.id).where(Account.role == DISTRICT_ADMIN))
            if exists is not None and not force:
                raise click.ClickException("a district admin exists already: log in as them and "
                                           "create accounts, or pass --force")
            if uow.session.scalar(select(Account.id).where(Account.username == username)):
                raise click.ClickException(f"username {username!r} is taken")
            password = _read_password(username, password_stdin)
            account, _ = actions.create_account(uow.session, username, DISTRICT_ADMIN, name,
                                                password, communities=list(districts))
            uow.session.flush()
            audit.record(uow, staff.CLI, "account.bootstrapped", "account", account.id, None,
                         {"role": DISTRICT_ADMIN, "communities": list(districts),
                          "forced": exists is not None})
            uow.commit()
    finally:
        db.dispose()
    scope = ", ".join(districts) or "the whole city"
    click.echo(f"district admin {username} created ({scope}); log in at /login")


@accounts.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([*rules.STAFF_ROLES, DISTRICT_ADMIN]))
@click.option("--name", required=True, help="how people see the account")
@click.option("--community", "communities", multiple=True, metavar="CODE",
              help="liaison, street admin: a community (repeat); district admin: a district")
@click.option("--unit", "unit_code", metavar="CODE", help="unit admin: the unit's code")
@click.option("--org", "org_code", metavar="CODE", help="organisation admin: its code")
def create(username: str, role: str, name: str, communities: tuple[str, ...],
           unit_code: str | None, org_code: str | None) -> None:
    """Create a staff account; prints its temporary password once (changed at first login)."""
    if not schemas_username_ok(username):
        raise click.BadParameter("3 to 64 letters, digits or _ . @ -", param_hint="USERNAME")
    data = {"username": username, "role": role, "name": name, "communities": list(communities),
            "unit_code": unit_code, "org_code": org_code}
    db = open_intake()
    try:
        with db.uow() as uow:
            if role == DISTRICT_ADMIN:  # districts are not checked against known communities
                staff.check_username(uow.session, username)
                password = staff.temporary_password()
                account, _ = actions.create_account(uow.session, username, role, name, password,
                                                    communities=list(communities))
                account.must_change_password = True
                uow.session.flush()
                staff.audit_created(uow, staff.CLI, account)
            else:
                account, password = staff.create(uow, staff.CLI, None, data)
            uow.commit()
    except IntakeError as exc:
        raise _refused(exc) from None
    finally:
        db.dispose()
    click.echo(f"{role} {username} created; temporary password (shown once, to change at "
               f"first login): {password}")


@accounts.command("list")
@click.option("--role", type=click.Choice(_LISTED))
def list_accounts(role: str | None) -> None:
    """Staff, district admins and systems: username, role, scope, standing."""
    db = open_intake()
    try:
        with db.session() as session:
            found = session.scalars(select(Account).where(
                Account.role.in_([role] if role else _LISTED))
                .order_by(Account.role, Account.username)).all()
    finally:
        db.dispose()
    for a in found:
        scope = ",".join(a.communities or ()) or a.unit_code or a.org_code or a.app_id or "-"
        standing = ("disabled" if a.disabled else
                    "must-change-password" if a.must_change_password else "active")
        click.echo(f"{a.username}\t{a.role}\t{scope}\t{standing}")


def _standing(username: str, disabled: bool) -> None:
    db = open_intake()
    try:
        with db.uow() as uow:
            changed = staff.set_standing(uow, staff.CLI, _one(uow.session, username), disabled)
            uow.commit()
    finally:
        db.dispose()
    said = "disabled" if disabled else "enabled"
    click.echo(f"{username} {said}" if changed else f"{username} was {said} already")


@accounts.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Disable an account: it cannot log in, and its tokens stop working at once."""
    _standing(username, True)


@accounts.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Enable a disabled account again."""
    _standing(username, False)


@accounts.command("reset-password")
@click.argument("username")
def reset_password(username: str) -> None:
    """A temporary password (shown once) to change at next login; the account's sessions end."""
    db = open_intake()
    try:
        with db.uow() as uow:
            account = _one(uow.session, username)
            if account.role == SYSTEM:
                raise click.ClickException("a system has an API key: microwish systems rotate-key")
            password = staff.reset_password(uow, staff.CLI, account)
            uow.commit()
    finally:
        db.dispose()
    click.echo(f"temporary password for {username} (shown once, to change at next login): "
               f"{password}")
