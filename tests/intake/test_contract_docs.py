"""The published contracts (OpenAPI for HTTP, AsyncAPI for the queue) and the example client."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys

import pytest
from jsonschema import Draft202012Validator
from kombu import Connection
from marshmallow import ValidationError
from openapi_spec_validator import validate as validate_openapi
from sqlalchemy import select

from services.intake.accounts.actions import create_account
from services.intake.accounts.systems import declare_receipts
from services.intake.app import create_app
from services.intake.contracts import asyncapi
from services.intake.submissions.models import Submission
from services.intake.submissions.schemas import (AttachmentSchema, ConsentSchema, InfoAnswerSchema,
                                                 SubmissionSchema, TeamSchema, WisherSchema)
from shared import topology
from shared.access import allowed_roles
from shared.settings import ROOT, from_env
from tests.actors import System
from tests.factories import OMIT, member, submission
from tests.helpers import PG_URL, Capture

CLIENT = ROOT / "docs" / "examples" / "gov_client.py"
APP = "civil-affairs"


def _client_module():
    spec = importlib.util.spec_from_file_location("gov_client", CLIENT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app():
    return create_app(from_env({"MICROWISH_VAR_DIR": "/nonexistent"}))  # never touches a database


@pytest.fixture(scope="module")
def doc(app):
    response = app.test_client().get("/api/v1/openapi.json")  # anonymous
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _methods(rule) -> set[str]:
    return set(rule.methods) - {"HEAD", "OPTIONS"}


def test_openapi_is_served_anonymously_and_is_valid_openapi(doc):
    validate_openapi(doc)
    assert doc["openapi"].startswith("3.")
    assert set(doc["components"]["securitySchemes"]) == {"bearerAuth", "apiKey"}
    error = doc["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "fields"]
    assert "validation_failed" in doc["components"]["schemas"]["Error"]["x-error-codes"]
    post = doc["paths"]["/api/v1/submissions"]["post"]
    assert {"$ref": "#/components/parameters/Idempotency-Key"} in post["parameters"]
    assert {"bearerAuth": []} in post["security"] and {"apiKey": []} in post["security"]
    assert doc["paths"]["/api/v1/auth/login"]["post"]["security"] == []


def test_every_api_route_is_documented_with_its_real_roles(app, doc):
    """A new /api/v1 route fails here until it has its entry in services/intake/contracts/openapi.py."""
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)  # <int:id> is {id}
        for method in _methods(rule):
            op = doc["paths"].get(path, {}).get(method.lower())
            if op is None:
                missing.append(f"{method} {rule.rule}")
                continue
            assert op["x-roles"] == sorted(allowed_roles(app.view_functions[rule.endpoint]))
    assert missing == [], f"undocumented routes: {missing}"


def _expected(schema_cls, partial=False) -> tuple[set, list]:
    fields_ = schema_cls().fields
    required = [] if partial else sorted(n for n, f in fields_.items() if f.required)
    return set(fields_), required


@pytest.mark.parametrize("path, schema_cls", [
    ((), SubmissionSchema), (("wisher",), WisherSchema), (("consent",), ConsentSchema),
    (("team",), TeamSchema), (("attachments", "items"), AttachmentSchema)])
def test_submission_component_has_the_schema_fields_and_required_lists(doc, path, schema_cls):
    node = doc["components"]["schemas"]["Submission"]
    for step in path:
        node = node[step] if step == "items" else node["properties"][step]
    names, required = _expected(schema_cls)
    assert set(node["properties"]) == names
    assert node.get("required", []) == required
    assert node["additionalProperties"] is False  # unknown fields are refused, as the API does


def test_info_answer_changes_are_partial_and_leave_out_what_cannot_change(doc):
    changes = doc["components"]["schemas"]["InfoAnswer"]["properties"]["changes"]
    assert "community_code" not in changes["properties"] and "consent" not in changes["properties"]
    assert "required" not in changes and "required" not in changes["properties"]["wisher"]
    InfoAnswerSchema().load({"changes": {"wisher": {"phone": "13900000000"}}})  # as documented


def test_documented_example_is_valid_for_the_schema_and_the_api(doc):
    media = doc["paths"]["/api/v1/submissions"]["post"]["requestBody"]["content"]
    example = media["application/json"]["example"]
    Draft202012Validator(doc["components"]["schemas"]["Submission"]).validate(example)
    SubmissionSchema().load(example)
    assert _client_module().EXAMPLE == example  # the example client sends the documented one


def _resolved(doc, node):
    """A documented schema with its $refs to components replaced by what they point at."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _resolved(doc, doc["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]])
        return {k: _resolved(doc, v) for k, v in node.items()}
    return [_resolved(doc, v) for v in node] if isinstance(node, list) else node


def test_a_system_posts_the_example_with_its_api_key_and_gets_the_documented_answer(
        db_settings, make_db, doc):
    db = make_db("intake")
    with db.uow() as uow:
        _, key = create_account(uow.session, APP, "system", "民政系统", app_id=APP)
        uow.commit()
    system = System.with_key(create_app(db_settings, db).test_client(), key)
    post = doc["paths"]["/api/v1/submissions"]["post"]
    example = post["requestBody"]["content"]["application/json"]["example"]
    first = system.submit(example, headers={"Idempotency-Key": "case-0001"})
    again = system.submit(example, headers={"Idempotency-Key": "case-0001"})
    assert (first.status_code, again.status_code) == (201, 200), first.get_data(as_text=True)
    assert again.get_json()["id"] == first.get_json()["id"]
    view = _resolved(doc, post["responses"]["201"]["content"]["application/json"]["schema"])
    Draft202012Validator(view).validate(first.get_json())
    assert set(first.get_json()) == set(view["properties"])  # nothing undocumented, nothing missing
    refused = system.submit({**example, "kind": "money"})
    assert refused.status_code == 422
    Draft202012Validator(doc["components"]["schemas"]["Error"]).validate(refused.get_json())
    assert {"field": "kind", "code": "invalid_choice"}.items() <= refused.get_json()[
        "error"]["fields"][0].items()


def test_a_member_registration_answers_as_documented(db_settings, make_db, doc):
    client = create_app(db_settings, make_db("intake")).test_client()
    post = doc["paths"]["/api/v1/members"]["post"]
    body = member(unit_code=OMIT)  # no unit registered here to name
    Draft202012Validator(_resolved(doc, post["requestBody"]["content"]["application/json"][
        "schema"])).validate(body)
    answer = client.post("/api/v1/members", json=body)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    view = _resolved(doc, post["responses"]["201"]["content"]["application/json"]["schema"])
    Draft202012Validator(view).validate(answer.get_json())
    assert set(answer.get_json()) <= set(view["properties"])


# Bad messages: the generated JSON Schema must refuse each, as the marshmallow schema does.
_BAD = {
    "missing title": lambda m: m.pop("title"),
    "unknown field": lambda m: m.update(status="published"),
    "kind not in list": lambda m: m.update(kind="money"),
    "ID number shape": lambda m: m["wisher"].update(id_number="1101051949123100"),
    "value as text": lambda m: m.update(estimated_value="80"),
    "phone shape": lambda m: m["wisher"].update(phone="010-1234567"),
    "a skill twice": lambda m: m.update(skills=["electrician", "electrician"]),
    "urgent as 1": lambda m: m.update(urgent=1),
    "a count as true": lambda m: m.update(estimated_value=True),
}


def _payload_schema(message: str) -> Draft202012Validator:
    return Draft202012Validator(asyncapi.document()["components"]["messages"][message]["payload"])


@pytest.mark.parametrize("case", sorted(_BAD))
def test_queue_json_schema_accepts_a_real_message_and_refuses_a_bad_one(case):
    validator = _payload_schema("submission.v1")
    validator.validate(submission())  # the message the queue tests send
    bad = json.loads(json.dumps(submission()))
    _BAD[case](bad)
    assert list(validator.iter_errors(bad)), f"JSON Schema let through: {case}"
    with pytest.raises(ValidationError):
        SubmissionSchema().load(bad)


def test_asyncapi_file_is_what_the_generator_writes():
    committed = (ROOT / "docs" / "asyncapi.json").read_text(encoding="utf-8")
    assert committed == asyncapi.render(), (
        "docs/asyncapi.json is stale: python -m services.intake.contracts.asyncapi > docs/asyncapi.json")
    doc = json.loads(committed)
    assert doc["asyncapi"] == "2.6.0"
    assert set(doc["channels"]) == {"submission", "submission.accepted.{app_id}",
                                    "submission.rejected.{app_id}", "submission.status.{app_id}"}
    for channel in doc["channels"].values():
        operation = channel.get("publish") or channel["subscribe"]
        name = operation["message"]["$ref"].rsplit("/", 1)[1]
        assert name in doc["components"]["messages"]
    intake = doc["channels"]["submission"]["bindings"]["amqp"]["exchange"]
    assert (intake["name"], intake["type"]) == ("microwish.intake", "direct")
    props = doc["components"]["messages"]["submission.v1"]["x-amqp-properties"]
    assert set(props["required"]) == {"message_id", "app_id", "user_id", "content_type"}


def _count(db) -> int:
    with db.session() as s:
        return len(s.scalars(select(Submission.id).where(Submission.source == APP)).all())


@pytest.fixture
def intake_worker(settings, make_db, tmp_path):
    """Intake's worker as its own process; APP registered, publishing as the broker's guest."""
    db = make_db("intake")
    with db.uow() as uow:
        create_account(uow.session, APP, "system", "民政系统", app_id=APP, broker_user="guest")
        uow.commit()
    with Connection(settings.broker_url) as conn:
        topology.declare(conn, ["intake"])
        declare_receipts(conn, db)  # APP's queue, as the worker declares it when it starts
    env = {**os.environ, "MICROWISH_BROKER_URL": settings.broker_url,
           "MICROWISH_INTAKE_DATABASE_URL": PG_URL,
           "MICROWISH_INTAKE_DATABASE_SCHEMA": settings.database_schema("intake")}
    with open(tmp_path / "worker.log", "wb") as log:
        worker = subprocess.Popen([sys.executable, "-m", "services.worker", "intake"], env=env,
                                  cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    yield db
    worker.terminate()
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:  # stuck: do not leave it behind
        worker.kill()
        worker.wait()


def test_example_client_sends_three_wishes_and_reads_their_receipts(settings, intake_worker,
                                                                    system_client, tmp_path):
    """Run as a system would: its own broker user, with only the permissions `systems` grants."""
    app_id, url = system_client(intake_worker)
    receipts = Capture(settings.broker_url, f"submission.*.{app_id}")  # an independent listener
    run = subprocess.run([sys.executable, str(CLIENT), "--url", url, "--app-id", app_id,
                          "--count", "3", "--timeout", "60"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr + (tmp_path / "worker.log").read_text()
    accepted = [line for line in run.stdout.splitlines() if line.startswith("accepted ")]
    assert len(accepted) == 3 and "3 sent, 3 accepted, 0 rejected" in run.stdout
    wish_ids = {line.split(" -> wish ")[1] for line in accepted}
    with intake_worker.session() as s:
        stored = s.scalars(select(Submission).where(Submission.source == app_id)).all()
        assert {sub.id for sub in stored} == wish_ids and len(stored) == 3
    # What really came back matches the AsyncAPI document's receipt schema.
    validator = _payload_schema("submission.accepted")
    for message in receipts.take(3):
        validator.validate(json.loads(message.body))
    receipts.close()


def test_example_client_re_sending_the_same_messages_gets_the_same_wishes(settings,
                                                                          intake_worker):
    command = [sys.executable, str(CLIENT), "--url", settings.broker_url, "--app-id", APP,
               "--count", "2", "--prefix", "resend", "--timeout", "60"]
    first = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    again = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert first.returncode == again.returncode == 0, first.stdout + again.stdout + again.stderr
    assert "duplicate" not in first.stdout
    assert again.stdout.count("(duplicate: already received)") == 2
    assert _count(intake_worker) == 2


def test_example_client_exits_non_zero_on_a_rejected_message(settings, intake_worker, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**_client_module().EXAMPLE, "kind": "money"}), encoding="utf-8")
    run = subprocess.run([sys.executable, str(CLIENT), "--url", settings.broker_url, "--app-id",
                          APP, "--file", str(bad), "--timeout", "60"],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "rejected" in run.stdout and "kind: invalid_choice" in run.stdout
    assert _count(intake_worker) == 0
