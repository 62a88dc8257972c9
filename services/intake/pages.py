"""The login and logout pages: a session cookie carrying a signed token, forms protected by CSRF."""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import Blueprint, current_app, make_response, redirect, render_template, request

from services.intake.auth_api import login
from services.intake.accounts import principal_of
from shared.access import ROLES, SESSION_COOKIE, allow, public
from shared.errors import ApiError
from shared.web import settings, uow

bp = Blueprint("pages", __name__)
_LOGIN_CSRF_COOKIE = "mw_login_csrf"


def _safe_next(target: str | None) -> str:
    """Only our own paths: never an open redirect to another site."""
    if not target or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in target):
        return "/"  # browsers drop tabs and newlines, turning "/\t/evil" into "//evil"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _form(error: str | None = None, status: int = 200):
    token = request.cookies.get(_LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)
    page = render_template("login.html", csrf_token=token, error=error,
                           next=_safe_next(request.values.get("next")))
    response = make_response(page, status)
    response.set_cookie(_LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict",
                        secure=settings().cookie_secure, path="/login")
    return response


@bp.get("/login")
@public
def login_form():
    return _form()


@bp.post("/login")
@public
def login_submit():
    sent, expected = request.form.get("csrf_token", ""), request.cookies.get(_LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent, expected):
        return _form("页面已失效，请重新登录", 403)
    try:
        account = login(request.form.get("username", "")[:64], request.form.get("password", "")[:256])
    except ApiError as err:
        return _form(err.message, err.status)
    s = settings()
    token, _ = current_app.extensions["microwish.tokens"].issue(
        principal_of(account), s.session_ttl_seconds, "session")
    uow().commit()
    response = redirect(_safe_next(request.form.get("next")), 303)
    response.set_cookie(SESSION_COOKIE, token, max_age=s.session_ttl_seconds, httponly=True,
                        samesite="Lax", secure=s.cookie_secure, path="/")
    response.delete_cookie(_LOGIN_CSRF_COOKIE, path="/login")
    return response


@bp.post("/logout")
@allow(*ROLES)
def logout_submit():
    """CSRF is checked before we get here (cookie sessions must send the form token)."""
    response = redirect("/", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
