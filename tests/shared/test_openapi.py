"""Every service's OpenAPI document, and the gateway's merge of them: no /api/ route of any app is
left out (the url_maps are walked, so a route added anywhere fails here until it is documented)."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate as validate_openapi

from services.allinone import AllInOne
from services.worker import service_module
from shared.access import allowed_roles
from shared.settings import ROOT, SERVICES, from_env
from shared.vocab import INFO_FIELDS

OPENAPI = "/api/v1/openapi.json"


@pytest.fixture(scope="module")
def apps():
    settings = from_env({"MICROWISH_VAR_DIR": "/nonexistent"})  # never touches a database
    return {s: service_module(s).create_app(settings) for s in SERVICES}


@pytest.fixture(scope="module")
def merged(apps):
    answer = apps["intake"].test_client().get(OPENAPI)  # what the gateway routes there
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_json()


def _operations(app):
    """(path as documented, method, endpoint) of each /api/ route of `app`."""
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield path, method.lower(), rule.endpoint


def test_the_merged_document_is_valid_and_covers_every_route_of_every_service(apps, merged):
    validate_openapi(merged)
    missing, wrong = [], []
    for service, app in apps.items():
        for path, method, endpoint in _operations(app):
            op = merged["paths"].get(path, {}).get(method)
            if op is None:
                missing.append(f"{service}: {method.upper()} {path}")
                continue
            if path == OPENAPI:
                continue  # every service has its own; the gateway's is intake's, the merged one
            roles = sorted(allowed_roles(app.view_functions[endpoint]) or ())
            if (op["x-service"], op["x-roles"]) != (service, roles):
                wrong.append(f"{method.upper()} {path}: {op['x-service']} {op['x-roles']}")
    assert missing == [], f"routes missing from the merged OpenAPI document: {missing}"
    assert wrong == []


def test_operations_carry_their_request_schema_their_roles_and_the_error_shape(merged):
    ask = merged["paths"]["/api/v1/reviews/{wish_id}/request-info"]["post"]
    body = ask["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Ask"}
    needed = merged["components"]["schemas"]["Ask"]["properties"]["fields_needed"]
    assert set(needed["items"]["enum"]) == set(INFO_FIELDS)
    assert ask["x-roles"] == ["liaison"] and "422" in ask["responses"]
    error = merged["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "fields"]
    assert ask["responses"]["422"] == {"$ref": "#/components/responses/Error422"}
    # Two areas' StepSchema are two components, not one mistaken for the other.
    honours = merged["paths"]["/api/v1/honours/{honour_id}/{step}"]["post"]
    notices = merged["paths"]["/api/v1/notices/{notice_id}/{step}"]["post"]
    assert (honours["requestBody"]["content"]["application/json"]["schema"]
            != notices["requestBody"]["content"]["application/json"]["schema"])
    assert len({op["operationId"] for ops in merged["paths"].values()
                for op in ops.values()}) == sum(len(ops) for ops in merged["paths"].values())


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_serves_its_own_routes_on_its_own_port(apps, service):
    app = apps[service]
    query = "?service=intake" if service == "intake" else ""  # intake's plain one is the merge
    answer = app.test_client().get(OPENAPI + query)  # anonymously
    assert answer.status_code == 200
    doc = answer.get_json()
    validate_openapi(doc)
    assert service in doc["info"]["title"]
    own = {(p, m) for p, m, _e in _operations(app)}
    documented = {(p, m) for p, ops in doc["paths"].items() for m in ops}
    assert documented == own
    assert {op["x-service"] for ops in doc["paths"].values() for op in ops.values()} == {service}


def test_an_unknown_service_is_a_404_in_the_error_shape(apps):
    answer = apps["intake"].test_client().get(OPENAPI + "?service=nobody")
    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"


def test_the_all_in_one_merges_the_apps_it_serves(tmp_path):
    platform = AllInOne(from_env({"MICROWISH_VAR_DIR": str(tmp_path)}))
    intake = platform.wsgi.app_for(OPENAPI)
    assert intake is platform.apps["intake"]
    doc = intake.test_client().get(OPENAPI).get_json()
    for service, app in platform.apps.items():
        assert {(p, m) for p, m, _e in _operations(app)} <= {
            (p, m) for p, ops in doc["paths"].items() for m in ops}, service


def test_behind_nginx_the_document_is_intakes():
    conf = (ROOT / "deploy" / "nginx" / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(r"location = /api/v1/openapi\.json\s*\{\s*proxy_pass http://intake;", conf)
