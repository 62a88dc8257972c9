"""OpenAPI documents for the services' Flask apps, one `Op` per route (schemas: json_schema.py),
each served at `GET /api/v1/openapi.json`, and the gateway's merge of them all."""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema

from flask import Blueprint, current_app

from shared.access import ANYONE, SYSTEM, allowed_roles, public
from shared.json_schema import OPENAPI_VERSION, error_schema, json_schema, portable

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
_PATH_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
# Which error codes each HTTP status answers with, so a client knows what to expect where.
STATUS_CODES = {
    400: ("请求有误", ("invalid_json", "bad_request")),
    401: ("未登录或凭证无效", ("authentication_required", "invalid_token", "token_expired",
                            "invalid_api_key", "invalid_credentials")),
    403: ("无权进行此操作", ("forbidden", "csrf_failed", "community_forbidden",
                         "district_forbidden")),
    404: ("未找到（或不在您的权限范围内）", ("not_found", "profile_missing", "unknown_community")),
    409: ("与现有数据冲突", ("invalid_state", "already_claimed", "claim_quota", "round_quota",
                        "username_taken",
                        "org_code_taken", "community_code_taken")),
    413: ("请求内容过大", ("payload_too_large",)),
    415: ("请求内容类型应为 application/json", ("unsupported_media_type",)),
    422: ("提交的内容有误：fields 列出每个出错的字段", ("validation_failed",)),
    429: ("操作过于频繁：Retry-After 头给出秒数", ("too_many_requests",)),
}


@dataclass(frozen=True)
class Op:
    """How one route is documented; the path, method and roles come from the app itself."""

    summary: str
    body: type[Schema] | Schema | None = None
    response: type[Schema] | Schema | dict | None = None  # a dict is a raw `content` map
    status: int = 200
    query: type[Schema] | None = None
    headers: tuple[str, ...] = ()  # names of header parameters in components
    errors: tuple[int, ...] = ()  # statuses beyond those the route's shape implies
    also: dict[int, str] = field(default_factory=dict)  # other success statuses, same body
    example: dict | None = None  # of the request body
    description: str = ""


def _name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    changes = not isinstance(schema, type) and (schema.partial or schema.exclude)
    return cls.__name__.removesuffix("Schema") + ("Changes" if changes else "")


def _area(schema) -> str:
    """The sub-area a schema class lives in (`services.scoring.honours.schemas` → Honours)."""
    cls = schema if isinstance(schema, type) else type(schema)
    parts = [p for p in cls.__module__.split(".") if p not in ("schemas", "http", "services")]
    return "".join(p.title() for p in parts[-1:])


def binary(*media_types: str) -> dict:
    """A response `content` map of files (a PDF, a workbook, a photo)."""
    return {t: {"schema": {"type": "string", "contentMediaType": t}} for t in media_types}


OBJECT = {"application/json": {"schema": {"type": "object"}}}


class Document:
    """An OpenAPI document for one Flask app: one `Op` per endpoint, everything else derived."""

    def __init__(self, title: str, version: str, description: str = "", notes: dict | None = None,
                 service: str | None = None):
        self.service = service
        self.spec = APISpec(title, version, OPENAPI_VERSION, plugins=[MarshmallowPlugin()],
                            info={"description": description})
        self.notes = notes
        self._named: dict[str, tuple] = {}
        self.spec.components.schema("Error", component=error_schema())
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for status, (text, codes) in STATUS_CODES.items():
            self.spec.components.response(f"Error{status}", {
                "description": f"{text}（error.code: {', '.join(codes)}）", "content": error})
        self.spec.components.security_scheme("bearerAuth", {
            "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
            "description": "POST /api/v1/auth/login 得到的 access_token"})
        self.spec.components.security_scheme("apiKey", {
            "type": "apiKey", "in": "header", "name": "X-Api-Key",
            "description": "对接系统（system）登记时得到的接口密钥"})

    def header(self, name: str, description: str, schema: dict) -> None:
        self.spec.components.parameter(name, "header", {"name": name, "description": description,
                                                        "schema": schema})

    def _ref(self, schema) -> dict:
        shape = (schema, None, None) if isinstance(schema, type) else (
            type(schema), schema.partial, frozenset(schema.exclude))
        name = _name(schema)
        if name in self._named and self._named[name][0] is not shape[0]:
            name = _area(schema) + name  # two areas' StepSchema: each its own component
        if self._named.setdefault(name, shape) != shape:
            raise ValueError(f"two schemas would both be documented as {name!r}")
        if name not in self.spec.components.schemas:
            self.spec.components.schema(name, component=json_schema(schema, self.notes))
        return {"$ref": f"#/components/schemas/{name}"}

    def add_app(self, app, operations: dict[str, Op]) -> None:
        """Document every route of `app` that has an entry in `operations`."""
        paths: dict[str, dict] = {}
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            op = operations.get(rule.endpoint)
            if op is None:
                continue
            roles = allowed_roles(app.view_functions[rule.endpoint]) or frozenset()
            path = _PATH_PARAM.sub(r"{\1}", rule.rule)
            for method in sorted(set(rule.methods) & set(_METHODS)):
                paths.setdefault(path, {})[method.lower()] = self._operation(rule, op, roles)
        for path, ops in paths.items():
            self.spec.path(path=path, operations=ops)

    def _operation(self, rule, op: Op, roles: frozenset) -> dict:
        public = ANYONE in roles
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "string"}}
                  for p in sorted(rule.arguments)]
        if op.query is not None:
            query = self.spec.plugins[0].converter.schema2parameters(op.query, location="query")
            params += [{**p, "schema": portable(p["schema"])} for p in query]
        params += list(op.headers)  # apispec turns a component's name into its $ref
        who = "任何人（无需登录）" if public else "、".join(sorted(roles))
        security = [] if public else [{"bearerAuth": []}]
        if SYSTEM in roles:
            security.append({"apiKey": []})
        out: dict = {"operationId": rule.endpoint, "summary": op.summary,
                     "tags": [rule.endpoint.split(".")[0]], "x-roles": sorted(roles),
                     "description": f"{op.description}\n\n允许：{who}".strip(),
                     "parameters": params, "security": security}
        if self.service:
            out["x-service"] = self.service
        errors = set(op.errors) | ({401, 403} if not public else set())
        if op.body is not None:
            media = {"schema": self._ref(op.body)}
            if op.example is not None:
                media["example"] = op.example
            out["requestBody"] = {"required": True, "content": {"application/json": media}}
            errors |= {400, 413, 415, 422}
        if rule.arguments:
            errors.add(404)
        content = op.response if isinstance(op.response, dict) or op.response is None else {
            "application/json": {"schema": self._ref(op.response)}}
        ok = {"description": op.summary, **({"content": content} if content else {})}
        responses = {str(op.status): ok}
        responses.update({str(s): {**ok, "description": d} for s, d in op.also.items()})
        responses.update({str(s): {"$ref": f"#/components/responses/Error{s}"}
                          for s in sorted(errors)})
        out["responses"] = responses
        return out

    def to_dict(self) -> dict:
        return self.spec.to_dict()


def served(build) -> Blueprint:
    """The blueprint serving `build(app)` at `GET /api/v1/openapi.json`, built once per process
    (the routes and schemas cannot change while it runs)."""
    bp = Blueprint("openapi", __name__)

    @bp.get("/api/v1/openapi.json")
    @public
    def openapi_json():
        if "microwish.openapi" not in current_app.extensions:
            current_app.extensions["microwish.openapi"] = build(current_app)
        return current_app.extensions["microwish.openapi"]

    return bp


def service_api(service: str, about: str, operations: dict, version: str = "1.0.0"):
    """A service's own OpenAPI: `document(app)` (what the gateway merges) and the blueprint
    serving it; `about` says what the service's routes are for, in Chinese."""
    operations = {**operations,
                  "openapi.openapi_json": Op("本服务的 OpenAPI 文档", response=OBJECT)}

    def document(app) -> dict:
        doc = Document(f"微心愿 {service} API", version, service=service, description=(
            about + '所有错误均为 {"error": {"code", "message", "fields"}}。'))
        doc.add_app(app, operations)
        return doc.to_dict()

    return document, served(document)


SELF = "/api/v1/openapi.json"
_REF = "#/components/schemas/"


def _rename_refs(node, renames: dict[str, str]):
    if isinstance(node, dict):
        return {k: (_REF + renames.get(v[len(_REF):], v[len(_REF):])
                    if k == "$ref" and isinstance(v, str) and v.startswith(_REF)
                    else _rename_refs(v, renames)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rename_refs(v, renames) for v in node]
    return node


def _refs(node) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"][len(_REF):]} if str(node.get("$ref", "")).startswith(_REF) else set()
        return found.union(*(_refs(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(v) for v in node))
    return set()


def merge(info: dict, docs: dict[str, dict]) -> dict:
    """One document of several services' (name → document, the first's own route kept): a
    component two services define differently is kept twice, the later under its service's name."""
    first = next(iter(docs.values()))
    out = {"openapi": first["openapi"], "info": info, "paths": {},
           "components": {kind: {} for kind in ("schemas", "responses", "parameters",
                                                "securitySchemes")}}
    ids: set[str] = set()
    for service, doc in docs.items():
        doc, have = copy.deepcopy(doc), out["components"]["schemas"]
        mine = doc.get("components", {}).get("schemas", {})
        renames = {n for n, s in mine.items() if n in have and have[n] != s}
        while more := {n for n, s in mine.items()
                       if n in have and n not in renames and _refs(s) & renames}:
            renames |= more  # the same text that points at a renamed schema means another thing
        renamed = {n: service.title() + n for n in renames}
        doc = _rename_refs(doc, renamed)
        for kind, table in doc.get("components", {}).items():
            for name, value in table.items():
                name = renamed.get(name, name) if kind == "schemas" else name
                if out["components"].setdefault(kind, {}).setdefault(name, value) != value:
                    raise ValueError(f"{service}: components.{kind}.{name} differs")
        for path, operations in doc["paths"].items():
            if path == SELF and path in out["paths"]:
                continue  # every service documents its own document; the merged one is the first's
            for method, op in operations.items():
                if method in out["paths"].get(path, {}):
                    raise ValueError(f"{method.upper()} {path} is documented by two services")
                op = {**op, "x-service": service}
                if op.get("operationId") in ids:
                    op["operationId"] = f"{service}.{op['operationId']}"
                ids.add(op.get("operationId"))
                out["paths"].setdefault(path, {})[method] = op
    out["paths"] = dict(sorted(out["paths"].items()))
    return out
