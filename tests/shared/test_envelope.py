"""The event envelope: contracts checked on the way out, anything unreadable is Poison on the way in."""
from __future__ import annotations

import json
import re

import pytest
from marshmallow import ValidationError

from shared.envelope import decode, make_event
from shared.errors import Poison, field_errors

CJK = re.compile(r"[\u4e00-\u9fff]")
CLAIMED = {"wish_id": "w-1", "claim_id": "c-1", "member_id": "m-1", "members": [], "shares": [],
           "due_on": None, "reasons": [], "title": None, "kind": None, "wish_type": None,
           "category": None, "urgent": None}


def _body(**changes) -> dict:
    body = make_event("wish.claimed", CLAIMED, "matching", correlation_id="w-1").body()
    body.update(changes)
    return body


def test_make_event_refuses_a_payload_breaking_its_contract():
    """An event whose payload misses a required field never leaves the producer."""
    with pytest.raises(ValidationError):
        make_event("wish.claimed", {"wish_id": "w-1"}, "matching")


def test_undecodable_bytes_are_poison():
    """Bytes that are not JSON are Poison with an 'undecodable' reason."""
    with pytest.raises(Poison) as caught:
        decode(b"\x00not json{")
    assert caught.value.reason.startswith("undecodable")


def test_unknown_event_type_is_poison():
    """A type nobody defined a contract for is Poison."""
    with pytest.raises(Poison) as caught:
        decode(json.dumps(_body(type="wish.teleported")).encode())
    assert "unknown event type" in caught.value.reason


def test_payload_missing_fields_is_schema_invalid_poison():
    """A payload missing fields is Poison 'schema-invalid' naming each field in Chinese."""
    with pytest.raises(Poison) as caught:
        decode(json.dumps(_body(payload={"wish_id": "w-1"})).encode())
    poison = caught.value
    assert poison.reason == "schema-invalid"
    assert {f["field"] for f in poison.fields} == {"claim_id", "member_id"}
    for entry in poison.fields:
        assert set(entry) == {"field", "code", "message"}
        assert entry["code"] == "required"
        assert CJK.search(entry["message"])


def test_envelope_missing_message_id_is_schema_invalid_poison():
    """An envelope without its own required fields is Poison too."""
    body = _body()
    del body["message_id"]
    with pytest.raises(Poison) as caught:
        decode(json.dumps(body))
    assert caught.value.reason == "schema-invalid"
    assert [f["field"] for f in caught.value.fields] == ["message_id"]


def test_valid_body_round_trips():
    """body() then decode() keeps the message id, type, payload and correlation id."""
    env = make_event("wish.claimed", CLAIMED, "matching", correlation_id="w-1")
    back = decode(json.dumps(env.body(), ensure_ascii=False).encode("utf-8"))
    assert (back.message_id, back.type, back.payload, back.correlation_id) == (
        env.message_id, "wish.claimed", CLAIMED, "w-1")
    assert back.occurred_at == env.occurred_at
    assert back.producer == "matching"


def test_field_errors_flattens_nested_fields_with_chinese_messages():
    """Nested marshmallow errors become dotted fields with our codes and Chinese messages."""
    flat = field_errors({"wisher": {"id_number": ["Missing data for required field."]},
                         "foo": ["Unknown field."]})
    assert {"field": "wisher.id_number", "code": "required", "message": "缺少必填项"} in flat
    assert {"field": "foo", "code": "unknown_field", "message": "不允许的字段"} in flat
    assert len(flat) == 2


def test_field_errors_keeps_unmapped_messages_readable():
    """A marshmallow message we never mapped still gets a code and a Chinese message."""
    [entry] = field_errors({"title": ["Something odd."]})
    assert entry["field"] == "title" and entry["code"] == "invalid_value"
    assert CJK.search(entry["message"])
