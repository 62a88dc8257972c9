"""Bad input at intake's edges (issue 12): control characters, loose booleans, empty keys."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from services.intake.app import create_app
from services.intake.submissions.models import Submission
from tests import factories
from tests.factories import submission
from tests.helpers import api_error

URL = "/api/v1/submissions"


@pytest.fixture
def anonymous(db_settings, db):
    return create_app(db_settings, db).test_client()


def _count(db) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Submission.__table__))


def _fields(error) -> set[tuple[str, str]]:
    return {(f["field"], f["code"]) for f in error["fields"]}


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\ud800"])
def test_a_control_character_in_a_wish_is_refused_and_named(client, db, char):
    body = submission(title=f"想要{char}棉衣", wisher={"address": f"川汇区{char}一号"})
    raw = json.dumps(body)  # ASCII escapes: a lone surrogate travels as \ud800, as clients send it
    resp = client.post(URL, data=raw, content_type="application/json")
    error = api_error(resp, 422, "invalid_characters")
    assert _fields(error) == {("title", "invalid_characters"),
                              ("wisher.address", "invalid_characters")}
    assert all(f["message"] == "含有不允许的控制字符" for f in error["fields"])
    assert _count(db) == 0


def test_tab_and_the_newlines_of_a_textarea_are_text(client):
    description = "冬天快到了。\r\n想要一套棉衣\t棉裤。\n谢谢！"
    resp = client.post(URL, json=submission(description=description))
    assert resp.status_code == 201, resp.get_data(as_text=True)


def test_anonymous_routes_refuse_a_nul_before_the_database_sees_it(anonymous):
    login = anonymous.post("/api/v1/auth/login", json={"username": "li\x00", "password": "x"})
    assert _fields(api_error(login, 422, "invalid_characters")) == {
        ("username", "invalid_characters")}
    join = anonymous.post("/api/v1/members", json=factories.member(name="张\x00建国"))
    assert _fields(api_error(join, 422, "invalid_characters")) == {("name", "invalid_characters")}
    status = anonymous.get("/api/v1/submissions/%00")
    assert _fields(api_error(status, 404, "invalid_characters")) == {
        ("submission_id", "invalid_characters")}


def test_a_control_character_in_a_stored_header_is_refused(client, db):
    resp = client.post(URL, json=submission(), headers={"Idempotency-Key": "key\x01one"})
    assert _fields(api_error(resp, 400, "invalid_characters")) == {
        ("Idempotency-Key", "invalid_characters")}
    assert _count(db) == 0


@pytest.mark.parametrize("key", ["", "   "])
def test_an_empty_idempotency_key_is_refused_not_replaced(client, db, key):
    resp = client.post(URL, json=submission(), headers={"Idempotency-Key": key})
    error = api_error(resp, 422, "empty_idempotency_key")
    assert [f["field"] for f in error["fields"]] == ["Idempotency-Key"]
    assert _count(db) == 0


@pytest.mark.parametrize("urgent", [1, 0, "true", "yes", "on"])
def test_a_boolean_is_only_true_or_false(client, db, urgent):
    resp = client.post(URL, json=submission(urgent=urgent))
    assert _fields(api_error(resp, 422, "validation_failed")) == {("urgent", "invalid_type")}
    assert _count(db) == 0


def test_true_is_a_boolean_and_not_a_number(client, db):
    assert client.post(URL, json=submission(urgent=True)).status_code == 201
    resp = client.post(URL, json=submission(estimated_value=True))
    assert _fields(api_error(resp, 422, "validation_failed")) == {
        ("estimated_value", "invalid_type")}
    assert _count(db) == 1


def test_a_member_says_party_member_with_a_boolean(anonymous):
    resp = anonymous.post("/api/v1/members", json=factories.member(party_member=1))
    assert _fields(api_error(resp, 422, "validation_failed")) == {("party_member", "invalid_type")}
