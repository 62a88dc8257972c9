"""Every route of every service, walked with a NUL in each path parameter, query argument and body
field (JSON and form), as a caller the route admits: a clear invalid_characters, never a 5xx."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from marshmallow import Schema, fields
from werkzeug.routing import AnyConverter

from services.worker import service_module
from shared.access import ANYONE, allowed_roles
from shared.settings import SERVICES
from tests.factories import COMMUNITY
from tests.helpers import api_error, bearer, principal

NUL = "\x00"
_WRITES = ("POST", "PUT", "PATCH", "DELETE")
CSRF = "walk-csrf-token"
_PARAM = re.compile(r"<(?:[^<>]*:)?(\w+)>")
# What the access check answers when it turns a caller away before the view.
_TURNED_AWAY = {"authentication_required", "invalid_token", "token_expired", "invalid_api_key",
                "forbidden", "csrf_failed"}


def _schemas(cls=Schema):
    """Every marshmallow schema the services load (imported by their apps)."""
    for sub in cls.__subclasses__():
        if sub.__module__.startswith(("services.", "shared.fields")):
            yield sub
        yield from _schemas(sub)


def _leaves(schema: type[Schema], prefix: str = "") -> dict[str, object]:
    """A body's shape for `schema`: dotted leaf name → the NUL-bearing value at it."""
    out: dict[str, object] = {}
    for name, field in schema._declared_fields.items():
        path = f"{prefix}{name}"
        if isinstance(field, fields.Nested) and isinstance(field.nested, type):
            out.update(_leaves(field.nested, f"{path}."))
        elif isinstance(field, fields.Nested):
            out.update(_leaves(type(field.nested), f"{path}."))
        else:
            out[path] = [NUL] if isinstance(field, fields.List) else f"值{NUL}"
    return out


def _nested(leaves: dict[str, object]) -> dict:
    body: dict = {}
    for path, value in leaves.items():
        *parents, leaf = path.split(".")
        node = body
        for parent in parents:
            node = node.setdefault(parent, {}) if isinstance(node.get(parent, {}), dict) else {}
        node[leaf] = value
    return body


@pytest.fixture(scope="module")
def every_field() -> dict[str, object]:
    for service in SERVICES:
        service_module(service)  # importing each app imports its schemas
    leaves: dict[str, object] = {}
    for schema in _schemas():
        leaves.update(_leaves(schema))
    assert {"title", "wisher.name", "consent.at", "skills", "note", "username"} <= set(leaves)
    # A name that is a value in one schema and an object in another (a points rule's `team`,
    # a submission's): the object's leaves are what one body can carry.
    parents = {path.rsplit(".", 1)[0] for path in leaves if "." in path}
    return {path: value for path, value in leaves.items() if path not in parents}


RECEIPT_TOKEN = "route-walk-receipts"  # the SMS gateway's credential: no user session


def _caller(app, endpoint: str, settings) -> dict:
    """A bearer token of a role the route admits, scoped to the factory's community (the SMS
    gateway's shared token on its receipts route)."""
    if endpoint == "notices.sms_receipts":
        return {"X-Receipt-Token": RECEIPT_TOKEN}
    roles = sorted(allowed_roles(app.view_functions[endpoint]) - {ANYONE, "system"})
    role = roles[0] if roles else "member"
    return bearer(settings, principal(role, communities=[COMMUNITY], unit="zhoukou-power",
                                      org="org-1"))


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(_app, rule, values: dict) -> str:
    # Not url_map.build: it refuses to build a NUL into <any(...)>, which is what we send.
    return _PARAM.sub(lambda m: quote(values[m.group(1)], safe=""), rule.rule)


def _fill(rule, nul_in: str | None = None) -> dict:
    values = {}
    for name, converter in rule._converters.items():
        plausible = next(iter(converter.items)) if isinstance(converter, AnyConverter) else "x1"
        values[name] = f"x{NUL}" if name == nul_in else plausible
    return values


@pytest.mark.parametrize("service", SERVICES)
def test_every_route_refuses_a_nul_wherever_it_is_sent(make_db, db_settings, service,
                                                       every_field, monkeypatch):
    monkeypatch.setenv("MICROWISH_SMS_RECEIPT_TOKEN", RECEIPT_TOKEN)
    db = make_db(service)
    app = service_module(service).create_app(db_settings, db)
    app.config.update(TESTING=True)
    client = app.test_client()
    for cookie in ("mw_login_csrf", "mw_join_csrf"):  # the visitor's own forms' CSRF cookies
        client.set_cookie(cookie, CSRF)
    in_json = {f"{name}.0" if isinstance(value, list) else name  # a list's item is named
               for name, value in every_field.items()}
    walked = 0
    for rule, method in _routes(app):
        auth, where = _caller(app, rule.endpoint, db_settings), f"{method} {rule.rule}"
        # The control: the caller is admitted, so whatever is refused below is refused for its
        # characters, not because nobody got in.
        body = {"json": {}} if rule.rule.startswith("/api/") else {"data": {"csrf_token": CSRF}}
        plain = client.open(_url(app, rule, _fill(rule)), method=method, headers=auth, **body)
        assert plain.status_code < 500, where
        if plain.is_json and "error" in plain.get_json():
            assert plain.get_json()["error"]["code"] not in _TURNED_AWAY, where
        for name, converter in rule._converters.items():
            resp = client.open(_url(app, rule, _fill(rule, name)), method=method, headers=auth)
            assert resp.status_code == 404, f"{where} with NUL in <{name}>"
            if not isinstance(converter, AnyConverter):  # a NUL matches no choice of <any>
                error = api_error(resp, 404, "invalid_characters")
                assert [f["field"] for f in error["fields"]] == [name]
        url = _url(app, rule, _fill(rule))
        sent = {
            "query": client.open(url, method=method, headers=auth, query_string=every_field),
            "form": client.open(url, method=method, headers=auth, data=every_field),
            "json": client.open(url, method=method, headers=auth, json=_nested(every_field)),
        }
        for kind, resp in sent.items():
            if kind != "query" and method not in _WRITES:
                assert resp.status_code < 500, f"{where} with a {kind} body"
                continue
            error = api_error(resp, 422, "invalid_characters")
            named = {f["field"] for f in error["fields"]}
            assert named == (in_json if kind == "json" else set(every_field)), f"{where} {kind}"
        walked += 1
    assert walked == len(list(_routes(app)))
