"""HTTP edges of intake on SQLite: clear JSON errors, nothing half-stored, no PII leaks."""
from __future__ import annotations

import json
from datetime import datetime
import re

import pytest
from sqlalchemy import func, select

from services.intake.config import Config as IntakeConfig
from services.intake.app import create_app as create_intake_app
from services.intake.submissions.models import Submission
from tests.actors import Liaison
from tests.factories import COMMUNITY, ID_NUMBER, NAME, PHONE, submission
from tests.helpers import api_error

CJK = re.compile(r"[\u4e00-\u9fff]")
FIRST17 = ID_NUMBER[:17]
URL = "/api/v1/submissions"


@pytest.fixture
def app(sqlite_settings):
    app = create_intake_app(sqlite_settings)
    app.config.update(TESTING=True)
    yield app
    app.extensions["microwish.db"].dispose()


@pytest.fixture
def client(app, sqlite_settings):
    """Intake's API as a liaison of the factory's community."""
    return Liaison.signed(app.test_client(), sqlite_settings, communities=[COMMUNITY])


def _stored(app) -> tuple[int, int]:
    """How many submissions and outbox rows intake holds."""
    db = app.extensions["microwish.db"]
    with db.engine.connect() as conn:
        subs = conn.scalar(select(func.count()).select_from(Submission.__table__))
        out = conn.scalar(select(func.count()).select_from(db.outbox))
    return subs, out


def test_valid_submission_is_received_without_leaking_pii(client):
    """A valid post answers 201 'received' and its status page shows the history, masked."""
    resp = client.post(URL, json=submission())
    assert resp.status_code == 201
    body = resp.get_json()
    assert body["status"] == "received" and body["wisher"] == "李**"
    page = client.get(f"{URL}/{body['id']}")
    assert page.status_code == 200
    view = page.get_json()
    assert view["status"] == "received"
    assert [h["status"] for h in view["history"]] == ["received"]
    for r in (resp, page):
        text = r.get_data(as_text=True) + json.dumps(r.get_json(), ensure_ascii=False)
        for secret in (NAME, ID_NUMBER, PHONE):
            assert secret not in text


def test_same_idempotency_key_answers_with_the_same_submission(app, client):
    """A repeated Idempotency-Key answers 200 with the first submission's id, storing nothing new."""
    headers = {"Idempotency-Key": "form-7f3a"}
    first = client.post(URL, json=submission(), headers=headers)
    second = client.post(URL, json=submission(), headers=headers)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.get_json()["id"] == first.get_json()["id"]
    assert _stored(app) == (1, 1)


def test_unknown_field_is_422(client):
    """A field the contract does not know is refused, naming it."""
    error = api_error(client.post(URL, json=submission(foo=1)), 422, "validation_failed")
    entry = next(f for f in error["fields"] if f["field"] == "foo")
    assert entry["code"] == "unknown_field" and CJK.search(entry["message"])


def test_server_owned_status_is_an_unknown_field(client):
    """A client cannot set the status the server owns."""
    error = api_error(client.post(URL, json=submission(status="verified")), 422, "validation_failed")
    assert [f["code"] for f in error["fields"] if f["field"] == "status"] == ["unknown_field"]


def test_missing_id_number_is_a_required_nested_field(client):
    """A missing wisher.id_number is reported by its dotted name."""
    data = submission()
    del data["wisher"]["id_number"]
    error = api_error(client.post(URL, json=data), 422, "validation_failed")
    assert [(f["field"], f["code"]) for f in error["fields"]] == [("wisher.id_number", "required")]


def test_wrong_content_type_is_415(client):
    """A body that is not declared as JSON is refused."""
    resp = client.post(URL, data=json.dumps(submission()), content_type="text/plain")
    api_error(resp, 415, "unsupported_media_type")


def test_broken_json_is_400(client):
    """A body declared as JSON that does not parse is refused."""
    resp = client.post(URL, data='{"title": "想要', content_type="application/json")
    api_error(resp, 400, "invalid_json")


def test_oversized_body_is_413(app, client, sqlite_settings):
    """A body over the submission limit is refused before it is parsed."""
    big = submission(description="棉" * (IntakeConfig.max_submission_bytes // 3 + 1))
    resp = client.post(URL, data=json.dumps(big, ensure_ascii=False).encode(),
                       content_type="application/json")
    api_error(resp, 413, "payload_too_large")
    assert _stored(app) == (0, 0)


def test_unknown_submission_is_404(client):
    """Following a submission that does not exist answers not_found."""
    api_error(client.get(f"{URL}/no-such-id"), 404, "not_found")


def test_refused_requests_store_nothing(app, client):
    """After 422, 415 and 400 answers, no submission and no event was stored."""
    data = submission()
    del data["wisher"]["id_number"]
    assert client.post(URL, json=data).status_code == 422
    assert client.post(URL, json=submission(status="verified")).status_code == 422
    assert client.post(URL, data=json.dumps(submission()), content_type="text/plain").status_code == 415
    assert client.post(URL, data="{", content_type="application/json").status_code == 400
    assert _stored(app) == (0, 0)


@pytest.mark.parametrize("wisher_change", [
    {"id_number": ID_NUMBER + "\n"},
    {"phone": PHONE + "\n"},
    {"id_number": FIRST17.translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "X"},
])
def test_id_number_and_phone_must_be_plain_ascii(client, wisher_change):
    """A trailing newline or full-width digits in the ID number or phone is refused."""
    data = submission()
    data["wisher"].update(wisher_change)
    api_error(client.post(URL, json=data), 422, "validation_failed")


def test_a_consent_keeps_its_instant_on_sqlite(client):
    """SQLite drops a timestamp's offset: 09:30+08:00 must not read back as 09:30 UTC."""
    sent = submission()["consent"]["at"]  # 2026-11-01T09:30:00+08:00
    wish = client.post(URL, json=submission()).get_json()
    personal = client.get(f"{URL}/{wish['id']}/personal").get_json()
    read = datetime.fromisoformat(personal["consent"]["at"])
    assert read.utcoffset() is not None and read == datetime.fromisoformat(sent)
    created = datetime.fromisoformat(wish["created_at"])
    assert created.utcoffset() is not None
