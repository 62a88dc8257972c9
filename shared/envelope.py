"""The message envelope every event travels in."""
from __future__ import annotations

import dataclasses
import functools
import json
import typing
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, ValidationError, fields

from shared import contracts
from shared.errors import Poison, field_errors


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Envelope:
    """One event: its identity, its type and schema version, and its payload."""

    type: str
    payload: Any  # a dict going out; its contract's dataclass in a handler (typed())
    producer: str
    correlation_id: str | None = None
    routing_key: str = ""
    message_id: str = field(default_factory=new_id)
    schema_version: int = 1
    occurred_at: datetime = field(default_factory=utcnow)

    @property
    def key(self) -> str:
        return self.routing_key or self.type

    def body(self) -> dict:
        return {
            "message_id": self.message_id,
            "type": self.type,
            "schema_version": self.schema_version,
            "occurred_at": self.occurred_at.isoformat(),
            "correlation_id": self.correlation_id,
            "producer": self.producer,
            "payload": self.payload,
        }


class EnvelopeSchema(Schema):
    message_id = fields.String(required=True)
    type = fields.String(required=True)
    schema_version = fields.Integer(required=True)
    occurred_at = fields.AwareDateTime(required=True)
    correlation_id = fields.String(allow_none=True, load_default=None)
    producer = fields.String(required=True)
    payload = fields.Dict(required=True)


@functools.cache
def _envelope_schema() -> EnvelopeSchema:
    return EnvelopeSchema()  # once: building a marshmallow schema costs more than loading with it


def make_event(type_: str, payload: dict, producer: str, correlation_id: str | None = None,
               routing_key: str = "") -> Envelope:
    """Build an envelope, checking the payload against its contract before it leaves."""
    contracts.schema_for(type_).load(payload)
    return Envelope(type=type_, payload=payload, producer=producer,
                    correlation_id=correlation_id, routing_key=routing_key)


def decode(body: bytes | str | dict) -> Envelope:
    """Parse and validate an incoming event; anything unreadable is Poison."""
    try:
        data = json.loads(body) if isinstance(body, (bytes, str)) else body
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Poison(f"undecodable: {exc}") from exc
    try:
        env = _envelope_schema().load(data)
        schema = contracts.schema_for(env["type"])
        payload = schema.load(env["payload"])
    except KeyError as exc:
        raise Poison(f"unknown event type: {exc}") from exc
    except ValidationError as exc:
        raise Poison("schema-invalid", field_errors(exc.messages)) from exc
    return Envelope(type=env["type"], payload=payload, producer=env["producer"],
                    correlation_id=env["correlation_id"], message_id=env["message_id"],
                    schema_version=env["schema_version"], occurred_at=env["occurred_at"])


_TYPES: dict[str, type] = {}
_ANNOTATIONS = {fields.String: str, fields.Integer: int, fields.Boolean: bool, fields.List: list,
                fields.Dict: dict}


def payload_type(event_type: str) -> type:
    """The frozen dataclass a handler receives an event's payload as, one field per schema field."""
    if event_type not in _TYPES:
        made = []
        for name, f in contracts.schema_for(event_type).fields.items():
            kind = _ANNOTATIONS.get(type(f), typing.Any)
            if isinstance(f, fields.Nested):
                kind = list if f.many else dict
            if f.required:
                made.append((name, kind))
            else:
                made.append((name, kind | None, dataclasses.field(default=None)))
        _TYPES[event_type] = dataclasses.make_dataclass(
            type(contracts.schema_for(event_type)).__name__, made, frozen=True, kw_only=True)
    return _TYPES[event_type]


def typed(env: Envelope) -> Envelope:
    """The envelope with its (already validated) payload as its contract's dataclass."""
    return replace(env, payload=payload_type(env.type)(**env.payload))


def delivered(env: Envelope) -> Envelope:
    """`env` as a consumer's handler receives it: through its JSON body, decoded and typed."""
    return typed(decode(json.dumps(env.body(), ensure_ascii=False)))
