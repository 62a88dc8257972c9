"""docs/asyncapi.json names every code and field a source system can find in a rejected receipt,
and every outcome it can hear: collected from the code that emits them, never listed by hand."""
from __future__ import annotations

import ast
import json

from services.intake.contracts import asyncapi
from services.intake.submissions import schemas as submission_schemas
from shared import vocab
from shared.errors import MARSHMALLOW_CODES, MESSAGES_ZH
from shared.settings import ROOT

# What the intake consumer runs: decoding, the source's checks, submitting, answering poison.
_WEB = ("http.py", "pages.py", "forms.py")  # what answers HTTP alone
CONSUMER = [*sorted(p for p in (ROOT / "services" / "intake" / "submissions").glob("*.py")
                    if p.name not in _WEB),
            ROOT / "services" / "intake" / "errors.py", ROOT / "shared" / "batch.py",
            ROOT / "shared" / "errors.py", ROOT / "shared" / "fields.py",
            ROOT / "shared" / "characters.py", ROOT / "shared" / "photos.py",
            ROOT / "shared" / "idnumber.py"]


def _literals(path) -> tuple[set[str], set[str]]:
    """The codes a module can put in an error ({"field": ..., "code": ...}, `code = ...` on an
    error class, ValidationError("...")) and the fields it names. A reason ({"code", "message"}
    with no field) is no error."""
    codes, names = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            pairs = {k.value: v.value for k, v in zip(node.keys, node.values)
                     if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)}
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            if {"field", "code"} <= keys and "code" in pairs:
                codes.add(pairs["code"])
                if isinstance(pairs.get("field"), str):
                    names.add(pairs["field"])
        elif isinstance(node, ast.ClassDef):
            for stmt in node.body:
                if (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Constant)
                        and [getattr(t, "id", None) for t in stmt.targets] == ["code"]):
                    codes.add(stmt.value.value)
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "ValidationError"
              and node.args and isinstance(node.args[0], ast.Constant)):
            codes.add(node.args[0].value)
    return codes, names


def _emitted() -> tuple[set[str], set[str]]:
    codes, names = set(), set()
    for path in CONSUMER:
        found, named = _literals(path)
        codes |= found
        names |= named
    # field_errors turns marshmallow's own messages and our validators' codes into these.
    codes |= {code for code, _zh in MARSHMALLOW_CODES.values()} | set(MESSAGES_ZH) | {
        "invalid_value"}
    return codes, names


def _committed() -> dict:
    return json.loads((ROOT / "docs" / "asyncapi.json").read_text(encoding="utf-8"))


def test_every_code_the_intake_consumer_can_emit_is_in_the_catalogue_with_chinese_words():
    catalogue = _committed()["components"]["x-error-codes"]
    codes, _names = _emitted()
    assert {"unknown_schema", "source_mismatch", "idempotency_key_reused",
            "missing_identity", "invalid_data", "rejected"} <= codes  # the scan sees the consumer
    assert sorted(codes - set(catalogue)) == []
    assert all(catalogue[c] and any("\u4e00" <= ch <= "\u9fff" for ch in catalogue[c])
               for c in codes)


def test_every_field_a_rejection_names_is_explained():
    explained = _committed()["components"]["x-error-fields"]
    _codes, names = _emitted()
    body_fields = set(submission_schemas.SubmissionSchema().fields)
    unexplained = {n for n in names if n not in explained
                   and n.split(".")[0] not in body_fields}
    assert {"properties.app_id", "properties.user_id", "headers.schema", "body"} <= names
    assert unexplained == set()


def test_every_outcome_intake_follows_is_a_status_a_source_system_can_receive():
    doc = _committed()
    status = doc["components"]["messages"]["submission.status"]["payload"]["properties"][
        "payload"]["properties"]["status"]
    assert set(status["enum"]) == set(vocab.OUTCOMES.values())
    assert {"pending_review", "needs_info", "scheduled", "published"} <= set(status["enum"])
    outcomes = doc["components"]["x-outcomes"]
    assert {e for o in outcomes.values() for e in o["events"]} == set(vocab.OUTCOMES)
    assert outcomes["pending_review"]["label"] == "等待社区人工审核"
    fields_needed = doc["components"]["messages"]["submission.status"]["payload"]["properties"][
        "payload"]["properties"]["fields_needed"]
    assert fields_needed["items"]["enum"] == list(vocab.INFO_FIELDS)
    assert "UTF-8" in doc["info"]["description"]


def test_the_committed_document_is_regenerated():
    assert (ROOT / "docs" / "asyncapi.json").read_text(encoding="utf-8") == asyncapi.render()
