"""What reaches intake from the bus: a government system's submission (or exactly why it cannot be
read), and the outcomes other services report about a wish."""
from __future__ import annotations

import json
from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import load_only, selectinload

from services.intake.accounts.models import Account
from services.intake.accounts.rules import valid_app_id
from services.intake.errors import KeyReused
from services.intake.submissions import actions, rules
from services.intake.submissions.personal import Protection
from services.intake.submissions.models import Submission
from services.intake.submissions.rules import PEOPLE_SOURCES
from services.intake.submissions.schemas import SubmissionSchema
from shared.errors import Poison, field_errors
from shared.vocab import OUTCOMES

SCHEMA_HEADER = "submission.v1"
KEY_REUSED = [{"field": "properties.message_id", "code": "idempotency_key_reused",
               "message": "该 message_id 已用于另一份不同的提交，未作处理"}]
_SCHEMA = SubmissionSchema()  # reused: schemas hold no per-load state


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
    if not valid_app_id(app_id) or not message_id or len(message_id) > 200:
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
        errors = field_errors(exc.messages)
        # Ops read the dead queue's x-reason first: say which fields, never what they held.
        names = ", ".join(dict.fromkeys(e["field"] for e in errors))
        raise Poison(f"schema-invalid: {names}", errors) from exc
    return QueuedSubmission(app_id, message_id, message.properties.get("user_id"), data,
                            rules.digest(body))


def key(message, item: QueuedSubmission) -> str:
    return f"{item.app_id}:{item.message_id}"


def _system(uow, app_id: str) -> Account | None:
    return uow.lookup("system", app_id, lambda: uow.session.scalars(select(Account).where(
        Account.app_id == app_id, Account.role == "system")).one_or_none())


def registered_source(uow, item: QueuedSubmission) -> Account:
    """The system client that sent this: its app_id registered, published as its own broker user."""
    account = _system(uow, item.app_id)
    if account is None or account.disabled:
        raise Poison("unknown source", [{"field": "properties.app_id", "code": "unknown_source",
                                         "message": "未登记的对接系统"}])
    if item.user_id != account.broker_user:
        raise Poison("app_id not published by its own broker user",
                     [{"field": "properties.user_id", "code": "source_mismatch",
                       "message": "消息的发送账号与对接系统不符（须设置 user_id 为本系统的账号）"}])
    return account


def make_apply(protection: Protection):
    def apply(uow, item: QueuedSubmission) -> None:
        account = registered_source(uow, item)
        by = actions.Submitter(item.app_id, account.id, account.role)
        actions.submit(uow, protection, by, item.message_id, item.data, sent_digest=item.digest)
    return apply


def prefetch(uow, items: list[QueuedSubmission]) -> None:
    """A batch's senders and the submissions already under its keys: two queries for the lot."""
    app_ids = {item.app_id for item in items}
    systems = {a.app_id: a for a in uow.session.scalars(select(Account).where(
        Account.app_id.in_(app_ids), Account.role == "system"))}
    uow.preload("system", app_ids, systems)
    actions.prefetch(uow, {(item.app_id, item.message_id) for item in items})


def on_resend(uow, item: QueuedSubmission) -> None:
    """The same (app_id, message_id) again: nothing new, the original wish's id once more."""
    sub = actions.find(uow, item.app_id, item.message_id)
    if sub is None:
        return
    try:
        actions.check_same(sub, item.digest)
    except KeyReused:
        # Poison: on_poison sends the rejected receipt, and the consumer keeps the message in
        # intake.submissions.dead with this reason (ops see who reused which key).
        raise Poison("idempotency_key_reused: message_id sent before with another body",
                     KEY_REUSED) from None
    else:
        uow.emit("submission.accepted", {"source": item.app_id, "source_ref": item.message_id,
                                         "wish_id": sub.id, "duplicate": True},
                 correlation_id=sub.id, routing_key=f"submission.accepted.{item.app_id}")


def on_poison(uow, message, poison: Poison) -> None:
    """A refused message still gets its receipt when we can tell whom to send it to."""
    app_id, message_id = identity(message)
    if app_id is not None:
        actions.reject(uow, app_id, message_id, poison.fields or [
            {"field": "_message", "code": "rejected", "message": "消息无法处理"}])


def prefetch_outcomes(uow, envelopes) -> None:
    """The batch's submissions with their histories, in two queries: only the columns an outcome
    reads and changes."""
    ids = {e.payload.wish_id for e in envelopes}
    found = {s.id: s for s in uow.session.scalars(
        select(Submission).where(Submission.id.in_(ids)).options(
            load_only(Submission.status, Submission.closed_at, Submission.source,
                      Submission.source_ref), selectinload(Submission.history)))}
    uow.preload("wish", ids, found)


def record_outcome(uow, envelope) -> None:
    """Follow a wish's life from the events other services emit about it (OUTCOMES)."""
    outcome = envelope.payload  # one of several contracts: only some carry reasons or fields
    sub = uow.lookup("wish", outcome.wish_id, lambda: uow.session.get(Submission, outcome.wish_id))
    if sub is None:  # not ours (e.g. a wish created before this intake's data was reset)
        return
    status = OUTCOMES.get(envelope.type, envelope.type.split(".", 1)[-1])
    opens_at = getattr(outcome, "opens_at", None)
    reasons = getattr(outcome, "reasons", None) or ([rules.opening(opens_at)] if opens_at else [])
    fields = getattr(outcome, "fields_needed", None) or []
    sub.advance(status, envelope.occurred_at, reasons, fields or None)
    if sub.source not in PEOPLE_SOURCES:  # the system that sent it follows it on its receipt key
        uow.emit("submission.status", {
            "source": sub.source, "source_ref": sub.source_ref, "wish_id": sub.id,
            "status": status, "reasons": reasons, "fields_needed": fields,
            "at": envelope.occurred_at.isoformat(),
            "opens_at": opens_at.isoformat() if opens_at else None},
            correlation_id=sub.id, routing_key=f"submission.status.{sub.source}")
