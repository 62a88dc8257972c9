"""What every service's Flask app shares: the app skeleton, a unit of work per request, JSON errors."""
from __future__ import annotations

import hmac
import secrets
from contextlib import contextmanager
from urllib.parse import quote

from flask import Flask, current_app, g, jsonify, redirect, request
from flask.sessions import SecureCookieSessionInterface
from marshmallow import Schema, ValidationError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from shared import characters, web_ops
from shared.access import CSRF_FIELD, check_request, public
from shared.db import Database
from shared.errors import MESSAGES_ZH, ApiError, DomainError, field_errors
from shared.pages import use_shared_templates
from shared.failures import describe, is_unavailable
from shared.settings import Settings, from_env
from shared.tokens import Tokens

_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}


def make_app(import_name: str, service: str, metadata, settings: Settings | None = None,
             db: Database | None = None, http_status: dict[type, int] | None = None,
             config=None) -> Flask:
    """A Flask app bound to the service's database, with health checks, JSON errors and access checks.

    `http_status` is the service's one mapping of its domain errors to HTTP statuses; `config` its
    own settings (its config.py), which its views read back with that module's `current()`."""
    settings = settings or from_env()
    app = Flask(import_name, static_folder=None)
    use_shared_templates(app)
    if settings.trusted_proxy_hops:
        # Only behind our own gateway is X-Forwarded-For the client's address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxy_hops)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes,
                      JSON_AS_ASCII=False)
    app.json.ensure_ascii = False
    app.json.sort_keys = False  # clients read keys by name; sorting every answer's dicts costs
    app.session_interface = NoSession()
    app.extensions["microwish.settings"] = settings
    app.extensions["microwish.config"] = config
    app.extensions["microwish.db"] = db or Database(settings, service, metadata)
    app.extensions["microwish.tokens"] = Tokens(settings.token_keys)
    # Characters first: not even the credentials' look-up may see a NUL. This reads the body, so
    # a blueprint that allows a bigger one raises the limit in a url_value_preprocessor.
    web_ops.install(app, service)  # first: even a refused request has an id and a count
    app.before_request(refuse_control_characters)
    app.before_request(check_request)
    app.teardown_appcontext(_close_uow)
    app.extensions["microwish.http_status"] = http_status or {}
    app.register_error_handler(ApiError, api_error)
    app.register_error_handler(DomainError, lambda exc: api_error(as_api_error(exc)))
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.add_url_rule("/healthz", "healthz", public(lambda: {"status": "ok", "service": service}))
    return app


class NoSession(SecureCookieSessionInterface):
    """No Flask session: who calls is said by the platform's own signed token (shared.access),
    so no request pays for opening a cookie session nobody reads."""

    def open_session(self, app, request):
        return None  # Flask hands the view a null session instead


def settings() -> Settings:
    return current_app.extensions["microwish.settings"]


def database() -> Database:
    return current_app.extensions["microwish.db"]


def uow():
    """The request's unit of work, opened on first use and closed on teardown."""
    if "uow" not in g:
        g.uow = database().uow().__enter__()
    return g.uow


@contextmanager
def reading():
    """A connection outside any transaction, for reads that are one statement each: the wall's
    page needs no BEGIN and no ROLLBACK round trip around it."""
    with database().reader.connect() as conn:
        yield conn


def _close_uow(_exc=None) -> None:
    unit = g.pop("uow", None)
    if unit is not None:
        unit.__exit__(None, None, None)


def load_json(schema: Schema) -> dict:
    """Parse the request body as JSON and validate it; every failure is a clear ApiError."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type")
    data = request.get_json(silent=True)
    if data is None:
        raise ApiError(400, "invalid_json")
    return validated(schema, data)


def idempotency_key() -> str | None:
    """The request's Idempotency-Key header, checked; None when the client sent none."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    if not key.strip():  # a client that meant a key but sent none
        raise ApiError(422, "empty_idempotency_key", [{
            "field": "Idempotency-Key", "code": "empty_idempotency_key",
            "message": MESSAGES_ZH["empty_idempotency_key"]}])
    if len(key) > 200:
        raise ApiError(422, "invalid_length", [{"field": "Idempotency-Key", "code": "invalid_length",
                                                "message": "Idempotency-Key 过长"}])
    return key


def validated(schema: Schema, data: dict) -> dict:
    """Load `data` with `schema`; field errors become one 422 ApiError (forms and JSON alike)."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ApiError(422, "validation_failed", field_errors(exc.messages)) from exc


class CsrfCookie:
    """Double-submit CSRF for forms of visitors with no session yet (login, registration): a
    random token in a Strict cookie on the form's path, which the form must send back."""

    def __init__(self, name: str, path: str):
        self.name, self.path = name, path

    def token(self) -> str:
        """The token this visitor already holds, or a new one."""
        return request.cookies.get(self.name) or secrets.token_urlsafe(24)

    def give(self, response, token: str):
        response.set_cookie(self.name, token, httponly=True, samesite="Strict",
                            secure=settings().cookie_secure, path=self.path)
        return response

    def sent_back(self) -> bool:
        sent, expected = request.form.get(CSRF_FIELD, ""), request.cookies.get(self.name, "")
        return bool(expected) and hmac.compare_digest(sent, expected)

    def drop(self, response):
        response.delete_cookie(self.name, path=self.path)
        return response


def page_or_json(err: ApiError, login_next: str, page):
    """A browser gets `page()` (or the login form, coming back to `login_next`); others the JSON error."""
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) != "text/html":
        return api_error(err)
    if err.status == 401:
        return redirect(f"/login?next={quote(login_next)}", 303)
    return page()


def as_api_error(exc: Exception) -> ApiError:
    """A domain error as the HTTP error its service maps it to (409 for one it does not name)."""
    if isinstance(exc, ApiError):
        return exc
    statuses = current_app.extensions["microwish.http_status"]
    status = next((statuses[kind] for kind in type(exc).__mro__ if kind in statuses), 409)
    return ApiError(status, exc.code, getattr(exc, "fields", []))


def api_error(err: ApiError):
    response = jsonify(err.to_dict())
    response.status_code = err.status
    if err.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="microwish"'
    if err.retry_after:
        response.headers["Retry-After"] = str(err.retry_after)
    return response


def refuse_control_characters() -> None:
    """Refuse a control character in any path segment, header, query argument, form field or JSON
    string before a view (or the database behind it) sees it."""
    path = characters.found(request.view_args or {})
    if path:  # no id with such a character can exist
        raise ApiError(404, characters.CODE, characters.field_errors(path))
    headers = characters.in_pairs(request.headers.items())
    if headers:
        raise ApiError(400, characters.CODE, characters.field_errors(headers))
    fields = characters.in_pairs(request.args.items(multi=True))
    if request.mimetype in _FORMS:  # werkzeug parses no other body into form fields or files
        fields += [*characters.in_pairs(request.form.items(multi=True)),
                   *characters.in_pairs((name, f.filename or "")
                                        for name, f in request.files.items())]
    if request.is_json:
        fields += characters.found(request.get_json(silent=True))
    if fields:
        raise ApiError(422, characters.CODE, characters.field_errors(fields))


def _http_error(exc: HTTPException):
    code = _HTTP_CODES.get(exc.code, "internal_error" if exc.code >= 500 else "bad_request")
    response = api_error(ApiError(exc.code, code))
    # What the exception says about itself (Allow on a 405) must survive the JSON body.
    response.headers.extend((k, v) for k, v in exc.get_headers() if k.lower() != "content-type")
    return response


def _database_error(exc: DBAPIError):
    """The database went away (no pre-ping finds it out first): 503, and the next try reconnects."""
    if not is_unavailable(exc):
        raise exc
    current_app.logger.warning("database unavailable: %s", describe(exc))
    return api_error(ApiError(503, "not_ready", retry_after=1))
