"""Staff administration: district admins (or operators at the terminal) create, change, disable
and reset the accounts of liaisons, street, unit and organisation admins and ops."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from services.intake.accounts import actions, rules
from services.intake.accounts.models import Account
from services.intake.claimers.actions import check_username
from services.intake.claimers.models import Organisation
from services.intake.communities.models import Community
from services.intake.errors import AccountNotFound, AccountOutsideDistrict, SelfChange, StaffRefused
from shared import audit

# Who acts: an account (its id and its scope, None for the whole city) or the terminal.
CLI = "microwish-cli"


def temporary_password() -> str:
    """Shown once to whoever hands it over; the account must change it at its next login."""
    return secrets.token_urlsafe(12)


def _scope(data: dict) -> dict:
    return {name: data.get(name) or ([] if name == "communities" else None)
            for name in rules.SCOPE_FIELDS}


def check(session, role: str, scope: dict) -> None:
    """StaffRefused (422, naming each field) unless `scope` is what `role` needs."""
    codes = scope.get("communities") or []
    known = set(session.scalars(select(Community.code).where(Community.code.in_(codes))))
    orgs = set(session.scalars(select(Organisation.code).where(
        Organisation.code == scope["org_code"]))) if scope.get("org_code") else set()
    problems = rules.scope_problems(role, scope, known, orgs)
    if problems:
        raise StaffRefused(problems)


def _audit(uow, by, action: str, account: Account, **detail) -> None:
    """What changed, by whom; the scope and the role only (never a password or a name)."""
    community = (account.communities or [None])[0]
    audit.record(uow, by, action, "account", account.id, community,
                 {"role": account.role, "communities": list(account.communities or ()),
                  "unit_code": account.unit_code, "org_code": account.org_code, **detail})


def reachable(session, admin_scope, account_id: str) -> Account:
    """A staff account the admin manages; any other (or none) looks absent."""
    account = session.get(Account, account_id)
    if (account is None or account.role not in rules.STAFF_ROLES
            or not rules.manages(admin_scope, account.role, account.communities)):
        raise AccountNotFound("id")
    return account


def listed(session, admin_scope, role: str | None = None) -> list[Account]:
    roles = [role] if role else list(rules.STAFF_ROLES)
    found = session.scalars(select(Account).where(Account.role.in_(roles))
                            .order_by(Account.role, Account.username))
    return [a for a in found if rules.manages(admin_scope, a.role, a.communities)]


def create(uow, by, admin_scope, data: dict) -> tuple[Account, str]:
    """A staff account with a temporary password (returned once); audited."""
    scope = _scope(data)
    check(uow.session, data["role"], scope)
    if not rules.manages(admin_scope, data["role"], scope["communities"]):
        raise AccountOutsideDistrict("communities")
    check_username(uow.session, data["username"])
    password = temporary_password()
    account, _ = actions.create_account(uow.session, data["username"], data["role"], data["name"],
                                        password, **scope)
    account.must_change_password = True
    uow.session.flush()
    audit_created(uow, by, account)
    return account, password


def audit_created(uow, by, account: Account) -> None:
    _audit(uow, by, "account.created", account)


def change(uow, by, admin_scope, account: Account, changes: dict) -> list[str]:
    """Change name, role, scope or standing; what changed. A new role or scope, or disabling,
    ends the account's sessions (their tokens carry the old ones)."""
    if getattr(by, "id", None) == account.id and set(changes) - {"name"}:
        raise SelfChange(sorted(set(changes) - {"name"})[0])
    role = changes.get("role", account.role)
    current = {"communities": account.communities, "unit_code": account.unit_code,
               "org_code": account.org_code} if "role" not in changes else {}
    scope = _scope({**current, **{k: v for k, v in changes.items() if k in rules.SCOPE_FIELDS}})
    check(uow.session, role, scope)
    if not rules.manages(admin_scope, role, scope["communities"]):
        raise AccountOutsideDistrict("communities")
    before = {"name": account.display_name, "role": account.role, **_scope({
        "communities": account.communities, "unit_code": account.unit_code,
        "org_code": account.org_code}), "disabled": account.disabled}
    after = {"name": changes.get("name", account.display_name), "role": role, **scope,
             "disabled": changes.get("disabled", account.disabled)}
    changed = [k for k in after if after[k] != before[k]]
    if not changed:
        return []
    account.display_name, account.role, account.disabled = after["name"], role, after["disabled"]
    account.communities, account.unit_code, account.org_code = (
        scope["communities"], scope["unit_code"], scope["org_code"])
    if set(changed) - {"name"} and not (changed == ["disabled"] and not account.disabled):
        actions.end_sessions(uow.session, account)
    action = ("account.disabled" if changed == ["disabled"] and account.disabled else
              "account.enabled" if changed == ["disabled"] else "account.changed")
    _audit(uow, by, action, account, changed=changed)
    return changed


def set_standing(uow, by, account: Account, disabled: bool) -> bool:
    """Disable (its sessions end at once) or enable any account; whether anything changed."""
    if bool(account.disabled) == disabled:
        return False
    account.disabled = disabled
    if disabled:
        actions.end_sessions(uow.session, account)
    _audit(uow, by, "account.disabled" if disabled else "account.enabled", account,
           changed=["disabled"])
    return True


def reset_password(uow, by, account: Account) -> str:
    """A new temporary password (returned once), to change at next login; sessions end."""
    password = temporary_password()
    actions.set_password(uow.session, account, password, temporary=True)
    _audit(uow, by, "account.password_reset", account)
    return password
