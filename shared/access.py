"""Who may call what: every route declares its roles; one check runs before every request."""
from __future__ import annotations

import hashlib
import hmac
import logging

from flask import current_app, g, request

from shared.errors import ApiError
from shared.tokens import Principal, TokenError

log = logging.getLogger(__name__)

RESIDENT, LIAISON, MEMBER, ORG_ADMIN = "resident", "liaison", "member", "org_admin"
UNIT_ADMIN, STREET_ADMIN, DISTRICT_ADMIN, OPS, SYSTEM = (
    "unit_admin", "street_admin", "district_admin", "ops", "system")
ROLES = (RESIDENT, LIAISON, MEMBER, ORG_ADMIN, UNIT_ADMIN, STREET_ADMIN, DISTRICT_ADMIN, OPS,
         SYSTEM)
CLAIMERS = (MEMBER, ORG_ADMIN)
# Roles who oversee a list of communities; a district admin oversees the whole district.
COMMUNITY_SCOPED = (LIAISON, STREET_ADMIN)
ANYONE = "anyone"
PASSWORD_CHANGE = "password_change"  # the kind of token a temporary password's login gives

SESSION_COOKIE = "mw_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def allow(*roles: str):
    """Declare who may call a view; a route without a declaration answers 403 to everyone."""
    unknown = set(roles) - set(ROLES) - {ANYONE}
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def mark(view):
        view.allowed_roles = frozenset(roles)
        return view
    return mark


public = allow(ANYONE)


def allowed_roles(view) -> frozenset[str] | None:
    return getattr(view, "allowed_roles", None)


def principal() -> Principal | None:
    """The caller of this request, or None for an anonymous one."""
    return g.get("principal")


def require_principal() -> Principal:
    who = principal()
    if who is None:
        raise ApiError(401, "authentication_required")
    return who


def in_scope(who: Principal, community_code: str) -> bool:
    """Whether `who` may see a community's wishes in full."""
    if who.role == DISTRICT_ADMIN:
        return True
    return who.role in COMMUNITY_SCOPED and community_code in who.communities


def in_communities(query, who: Principal, community_column):
    """Narrow a query to the communities `who` oversees; a district admin oversees them all."""
    if who.role == DISTRICT_ADMIN:
        return query
    return query.where(community_column.in_(who.communities))


def csrf_token(who: Principal) -> str:
    """The form token bound to this session; any service can check it without storing it."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"csrf:{who.jti}".encode(), hashlib.sha256).hexdigest()[:40]


def check_request() -> None:
    """Authenticate the caller and refuse them unless the route's declaration admits them."""
    if request.endpoint is None:
        return  # 404 and 405 are answered by Flask
    roles = allowed_roles(current_app.view_functions[request.endpoint])
    if roles is None:
        log.error("route %s declares no roles; refusing", request.endpoint)
        raise ApiError(403, "forbidden")
    g.principal = _authenticate()
    if ANYONE in roles:
        return
    who = require_principal()
    if who.role not in roles:
        raise ApiError(403, "forbidden")
    if who.via_cookie and request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD, "")
        if not hmac.compare_digest(sent, csrf_token(who)):
            raise ApiError(403, "csrf_failed")


def _authenticate() -> Principal | None:
    tokens = current_app.extensions["microwish.tokens"]
    header = request.headers.get("Authorization", "")
    api_key = request.headers.get("X-Api-Key")
    if api_key:
        resolve = current_app.extensions.get("microwish.api_keys")
        who = resolve(api_key) if resolve else None
        if who is None:
            raise ApiError(401, "invalid_api_key")
        return who
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise ApiError(401, "invalid_token")
        return _verified(tokens, token.strip(), via_cookie=False)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        try:
            return _verified(tokens, cookie, via_cookie=True)
        except ApiError:
            return None  # a stale session cookie is simply no session
    return None


def _changes_password_only(tokens, token: str) -> bool:
    """A temporary password's login: its token opens only POST /api/v1/auth/password."""
    try:
        tokens.verify(token, PASSWORD_CHANGE)
    except TokenError:
        return False
    return True


def _verified(tokens, token: str, via_cookie: bool) -> Principal:
    try:
        claims = tokens.verify(token, "session" if via_cookie else "access")
    except TokenError as exc:
        if exc.code == "invalid_token" and _changes_password_only(tokens, token):
            raise ApiError(403, "password_change_required") from exc
        raise ApiError(401, exc.code) from exc
    who = Principal.from_claims(claims, via_cookie=via_cookie)
    # Tokens are stateless; the service that keeps accounts (intake) also checks that the
    # account is still enabled and the token not outdated (disabled, password reset).
    current = current_app.extensions.get("microwish.token_current")
    if current is not None and not current(who):
        raise ApiError(401, "invalid_token")
    return who
