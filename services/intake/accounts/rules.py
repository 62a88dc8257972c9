"""Account rules: what a government system may call itself, what a staff account's scope is and
who administers it. No I/O."""
from __future__ import annotations

import re

from services.intake.communities.rules import district_of, districts_in_scope

# A system's registered name: its messages' app_id, its broker user, its receipts' routing key.
APP_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
_APP_ID = re.compile(APP_ID_PATTERN)


def valid_app_id(app_id: str | None) -> bool:
    """Lower-case letters, digits, - and _, at most 64 characters."""
    return bool(app_id) and bool(_APP_ID.match(app_id))


# Staff administration: the roles a district admin gives, what each role's scope is made of,
# and whose accounts a district admin may touch.
STAFF_ROLES = ("liaison", "street_admin", "unit_admin", "org_admin", "ops")
STAFF_LABELS = {"liaison": "社区联络员", "street_admin": "街道管理员", "unit_admin": "单位管理员",
                "org_admin": "组织管理员", "ops": "运维"}
# Which scope field each role needs; the others must stay empty.
SCOPE_OF = {"liaison": "communities", "street_admin": "communities", "unit_admin": "unit_code",
            "org_admin": "org_code", "ops": None}
SCOPE_FIELDS = ("communities", "unit_code", "org_code")
_REQUIRED_SAID = {"communities": "须至少负责一个社区（填写社区编码）",
                  "unit_code": "单位管理员须填写所管理的单位编码",
                  "org_code": "组织管理员须填写所管理的组织编码"}


def problem(field: str, code: str, message: str) -> dict:
    return {"field": field, "code": code, "message": message}


def scope_problems(role: str, scope: dict, known_communities, known_orgs=None) -> list[dict]:
    """What is wrong with `scope` ({communities, unit_code, org_code}) for a staff `role`;
    `known_orgs` None skips checking the organisation code (units are made by their admins)."""
    if role not in STAFF_ROLES:
        return [problem("role", "role_not_staff", "只能设为社区联络员、街道管理员、单位管理员、"
                                                  "组织管理员或运维")]
    needed, found = SCOPE_OF[role], []
    for name in SCOPE_FIELDS:
        if name == needed and not scope.get(name):
            found.append(problem(name, "scope_required", _REQUIRED_SAID[name]))
        elif name != needed and scope.get(name):
            found.append(problem(name, "scope_not_allowed",
                                 f"{STAFF_LABELS[role]}不使用此项，请留空"))
    for code in scope.get("communities") or () if needed == "communities" else ():
        if code not in known_communities:
            found.append(problem("communities", "unknown_community",
                                 f"未找到社区 {code}（社区编码未登记）"))
    org = scope.get("org_code")
    if needed == "org_code" and org and known_orgs is not None and org not in known_orgs:
        found.append(problem("org_code", "unknown_organisation", f"未找到组织 {org}（组织编码未登记）"))
    return found


def manages(admin_scope, role: str, communities) -> bool:
    """Whether a district admin whose account names `admin_scope` (district or community codes;
    none: the whole city) manages a staff account of `role` over `communities`.

    An admin of some districts manages the community staff whose every community lies in them;
    unit, organisation and ops accounts span the city, so only a city-wide admin manages them.
    """
    allowed = districts_in_scope(admin_scope)
    if allowed is None:
        return True
    if SCOPE_OF.get(role) != "communities" or not communities:
        return False
    return all(district_of(code) in allowed for code in communities)
