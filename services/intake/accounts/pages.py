"""The login and logout pages: a session cookie carrying a signed token, forms protected by CSRF."""
from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Blueprint, current_app, make_response, redirect, render_template, request

from services.intake import config
from services.intake.accounts import passwords
from services.intake.accounts.actions import principal_of
from services.intake.accounts.models import Account
from services.intake.accounts.http import login
from services.intake.accounts.schemas import PasswordChangeSchema
from shared.access import ROLES, SESSION_COOKIE, allow, public
from shared.errors import ApiError
from shared.web import CsrfCookie, settings, uow, validated

bp = Blueprint("pages", __name__)
_LOGIN_CSRF = CsrfCookie("mw_login_csrf", "/login")
_CHANGE_CSRF = CsrfCookie("mw_password_csrf", "/login/password")
_CHANGE_COOKIE = "mw_password_change"  # the change-only token, sent only to its own page


def _safe_next(target: str | None) -> str:
    """Only our own paths: never an open redirect to another site."""
    if not target or any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in target):
        return "/"  # browsers drop tabs and newlines, turning "/\t/evil" into "//evil"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _form(error: str | None = None, status: int = 200, retry_after: int | None = None):
    token = _LOGIN_CSRF.token()
    page = render_template("login.html", csrf_token=token, error=error,
                           next=_safe_next(request.values.get("next")))
    response = make_response(page, status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return _LOGIN_CSRF.give(response, token)


def start_session(response, account: Account):
    """Log `account` in on this browser: a signed session token in an HttpOnly cookie."""
    ttl = config.current().session_ttl_seconds
    token, _ = current_app.extensions["microwish.tokens"].issue(principal_of(account), ttl,
                                                                "session")
    response.set_cookie(SESSION_COOKIE, token, max_age=ttl, httponly=True, samesite="Lax",
                        secure=settings().cookie_secure, path="/")
    return response


@bp.get("/login")
@public
def login_form():
    return _form()


@bp.post("/login")
@public
def login_submit():
    if not _LOGIN_CSRF.sent_back():
        return _form("页面已失效，请重新登录", 403)
    try:
        account = login(request.form.get("username", "")[:64], request.form.get("password", "")[:256])
    except ApiError as err:
        said = err.fields[0]["message"] if err.fields else err.message  # how long to wait
        return _form(said, err.status, err.retry_after)
    uow().commit()
    target = _safe_next(request.form.get("next"))
    if account.must_change_password:  # a temporary password opens only the page to change it
        token = passwords.change_required(current_app.extensions["microwish.tokens"],
                                          account)["password_change_token"]
        response = redirect(f"/login/password?next={quote(target)}", 303)
        response.set_cookie(_CHANGE_COOKIE, token, max_age=passwords.TTL_SECONDS, httponly=True,
                            samesite="Strict", secure=settings().cookie_secure,
                            path="/login/password")
        return _LOGIN_CSRF.drop(response)
    response = start_session(redirect(target, 303), account)
    return _LOGIN_CSRF.drop(response)


def _change_form(error: str | None = None, status: int = 200):
    token = _CHANGE_CSRF.token()
    page = render_template("password_change.html", csrf_token=token, error=error,
                           next=_safe_next(request.values.get("next")))
    return _CHANGE_CSRF.give(make_response(page, status), token)


@bp.get("/login/password")
@public
def password_form():
    """修改临时密码: reached from the login of an account on a temporary password."""
    if not request.cookies.get(_CHANGE_COOKIE):
        return redirect("/login", 303)
    return _change_form()


@bp.post("/login/password")
@public
def password_submit():
    if not _CHANGE_CSRF.sent_back():
        return _change_form("页面已失效，请重新登录", 403)
    new = request.form.get("new_password", "")[:256]
    if new != request.form.get("repeat_password", "")[:256]:
        return _change_form("两次输入的新密码不一致", 422)
    tokens = current_app.extensions["microwish.tokens"]
    data = {"password_change_token": request.cookies.get(_CHANGE_COOKIE, "")[:4000],
            "new_password": new}
    try:
        data = validated(PasswordChangeSchema(), data)
        account = passwords.change(uow(), tokens, data, None)
    except ApiError as err:
        if err.status == 401:
            return redirect("/login", 303)  # the change token lapsed: log in again
        said = err.fields[0]["message"] if err.fields else err.message
        return _change_form(said, err.status)
    uow().commit()
    response = start_session(redirect(_safe_next(request.form.get("next")), 303), account)
    response.delete_cookie(_CHANGE_COOKIE, path="/login/password")
    return _CHANGE_CSRF.drop(response)


@bp.post("/logout")
@allow(*ROLES)
def logout_submit():
    """CSRF is checked before we get here (cookie sessions must send the form token)."""
    response = redirect("/", 303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
