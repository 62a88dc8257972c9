"""The public intake queue: read a government system's message, or say exactly why it cannot be read."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select

from services.intake import submit
from services.intake.models import Account
from services.intake.schemas import SubmissionSchema
from shared.errors import Poison, field_errors

SCHEMA_HEADER = "submission.v1"
_SCHEMA = SubmissionSchema()  # reused: schemas hold no per-load state
_APP_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class QueuedSubmission:
    app_id: str
    message_id: str
    user_id: str | None  # the broker user that published it, as RabbitMQ validated it
    data: dict
    digest: str | None = None  # of the body as sent: a re-send must be the same message


def identity(message) -> tuple[str | None, str | None]:
    """The source and its reference, when they are readable enough to answer."""
    app_id = message.properties.get("app_id")
    message_id = message.properties.get("message_id")
    if not app_id or not _APP_ID.match(app_id) or not message_id or len(message_id) > 200:
        return None, None
    return app_id, message_id


def decode(message) -> QueuedSubmission:
    app_id, message_id = identity(message)
    if app_id is None:
        raise Poison("missing or invalid app_id / message_id",
                     [{"field": "properties", "code": "missing_identity",
                       "message": "消息缺少合法的 app_id 或 message_id"}])
    if (message.headers or {}).get("schema") != SCHEMA_HEADER:
        raise Poison("unknown schema header", [{"field": "headers.schema", "code": "unknown_schema",
                                               "message": f"消息头 schema 应为 {SCHEMA_HEADER}"}])
    if message.content_type not in ("application/json", None, ""):
        raise Poison("unsupported content type",
                     [{"field": "properties.content_type", "code": "unsupported_media_type",
                       "message": "消息内容类型应为 application/json"}])
    try:
        raw = message.body if isinstance(message.body, str) else message.body.decode("utf-8")
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise Poison("undecodable body", [{"field": "body", "code": "invalid_json",
                                           "message": "消息内容不是有效的 UTF-8 JSON"}])
    try:
        data = _SCHEMA.load(body)
    except ValidationError as exc:
        raise Poison("schema-invalid", field_errors(exc.messages)) from exc
    return QueuedSubmission(app_id, message_id, message.properties.get("user_id"), data,
                            submit.digest(body))


def key(message, item: QueuedSubmission) -> str:
    return f"{item.app_id}:{item.message_id}"


def registered_source(uow, item: QueuedSubmission) -> Account:
    """The system client that sent this: its app_id registered, published as its own broker user."""
    account = uow.session.scalars(select(Account).where(
        Account.app_id == item.app_id, Account.role == "system")).one_or_none()
    if account is None or account.disabled:
        raise Poison("unknown source", [{"field": "properties.app_id", "code": "unknown_source",
                                         "message": "未登记的对接系统"}])
    if item.user_id != account.broker_user:
        raise Poison("app_id not published by its own broker user",
                     [{"field": "properties.user_id", "code": "source_mismatch",
                       "message": "消息的发送账号与对接系统不符（须设置 user_id 为本系统的账号）"}])
    return account


def make_apply(protection: submit.Protection):
    def apply(uow, item: QueuedSubmission) -> None:
        account = registered_source(uow, item)
        by = submit.Submitter(item.app_id, account.id, account.role)
        submit.submit(uow, protection, by, item.message_id, item.data, sent_digest=item.digest)
    return apply


def on_resend(uow, item: QueuedSubmission) -> None:
    """The same (app_id, message_id) again: nothing new, the original wish's id once more."""
    sub = submit.find(uow, item.app_id, item.message_id)
    if sub is None:
        return
    try:
        submit.check_same(sub, item.digest)
    except submit.KeyReused:
        submit.reject(uow, item.app_id, item.message_id, [{
            "field": "properties.message_id", "code": "idempotency_key_reused",
            "message": "该 message_id 已用于另一份不同的提交，未作处理"}])
    else:
        uow.emit("submission.accepted", {"source": item.app_id, "source_ref": item.message_id,
                                         "wish_id": sub.id, "duplicate": True},
                 correlation_id=sub.id, routing_key=f"submission.accepted.{item.app_id}")


def on_poison(uow, message, poison: Poison) -> None:
    """A refused message still gets its receipt when we can tell whom to send it to."""
    app_id, message_id = identity(message)
    if app_id is not None:
        submit.reject(uow, app_id, message_id, poison.fields or [
            {"field": "_message", "code": "rejected", "message": "消息无法处理"}])
