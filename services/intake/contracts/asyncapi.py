"""The intake queue contract (DESIGN §4) as AsyncAPI.

`python -m services.intake.contracts.asyncapi > docs/asyncapi.json` writes the committed document.
"""
from __future__ import annotations

import json
import sys

from services.intake.accounts.rules import APP_ID_PATTERN
from services.intake.contracts.openapi import NOTES, SUBMISSION_EXAMPLE, VERSION
from services.intake.submissions.handlers import SCHEMA_HEADER
from services.intake.submissions.schemas import SubmissionSchema
from shared import contracts, topology, vocab
from shared.json_schema import error_codes, json_schema
from shared.envelope import EnvelopeSchema

_AMQP = "0.2.0"  # the AMQP bindings version
# What only the queue says, or says in its own words (the rest are those of the HTTP API).
QUEUE_CODES = {
    "unknown_schema": f"消息头 schema 应为 {SCHEMA_HEADER}",
    "missing_identity": "消息缺少合法的 app_id 或 message_id（不回执，进入死信队列）",
    "unknown_source": "未登记的对接系统（app_id 未登记或已停用）",
    "source_mismatch": "消息的发送账号与对接系统不符（须设置 user_id 为本系统的账号）",
    "idempotency_key_reused": "该 message_id 已用于另一份不同的提交，未作处理（消息进入死信队列）",
    "invalid_json": "消息内容不是有效的 UTF-8 JSON",
    "unsupported_media_type": "消息内容类型应为 application/json",
    "invalid_data": "消息含有无法保存的数据（如控制字符或超长的值）",
    "rejected": "消息无法处理"}
# What `field` names in a rejected receipt's errors: where in the message the fault is.
ERROR_FIELDS = {
    "properties": "AMQP 属性 app_id / message_id 缺失或不合法",
    "properties.app_id": "AMQP 属性 app_id（登记的系统名）",
    "properties.user_id": "AMQP 属性 user_id（本系统的 RabbitMQ 账号）",
    "properties.message_id": "AMQP 属性 message_id（幂等键）",
    "properties.content_type": "AMQP 属性 content_type（应为 application/json）",
    "headers.schema": f"消息头 schema（应为 {SCHEMA_HEADER}）",
    "body": "消息内容整体（不是 UTF-8 编码的 JSON）",
    "_message": "整条消息（无法保存或无法处理）",
    "_schema": "消息内容的字段之间不一致（如团体心愿缺少 team）",
    "<field>": "消息内容中的字段，点号分隔的路径，与 POST /api/v1/submissions 相同："
               "title、wisher.id_number、attachments.0.data 等"}
OUTCOMES = sorted(b.routing_key.split(".", 1)[1]
                  for b in topology.queue("intake.wish-outcomes").bindings
                  if b.exchange == topology.EVENTS)
_STATUSES = sorted(set(vocab.OUTCOMES.values()))
_NOTES = {**NOTES, (contracts.SubmissionStatus, "status"): {
    "enum": _STATUSES, "description": "心愿的新状态或新进展（见 components.x-outcomes）；"
                                      "needs_info 时按 fields_needed 经 HTTP 补充信息"},
    (contracts.SubmissionStatus, "fields_needed"): {
        "items": {"type": "string", "enum": list(vocab.INFO_FIELDS)},
        "description": "needs_info 时需补充的字段：" + "、".join(
            f"{k}（{v}）" for k, v in vocab.INFO_FIELDS.items())}}


def error_catalogue() -> dict[str, str]:
    """Every code a rejected receipt may carry, with its Chinese message (the queue's own words
    where it has them)."""
    return dict(sorted({**error_codes(), **QUEUE_CODES}.items()))


def outcomes() -> dict[str, dict]:
    """Each status a submission.status receipt may carry: its label, the events that bring it,
    and what else the receipt then carries."""
    extra = {"needs_info": "reasons、fields_needed（需补充的字段，取自固定清单）",
             "pending_review": "reasons（原因代码和固定的中文说明，不含个人信息）",
             "rejected": "reasons", "scheduled": "opens_at（例会日发布时间）",
             "released": "reasons", "reopened": "reasons", "disputed": "reasons"}
    out: dict[str, dict] = {}
    for event, status in sorted(vocab.OUTCOMES.items()):
        entry = out.setdefault(status, {"label": vocab.label(status), "events": []})
        entry["events"].append(event)
        if status in extra:
            entry["carries"] = extra[status]
    return out


def _exchange(ex) -> dict:
    return {"is": "routingKey", "bindingVersion": _AMQP, "exchange": {
        "name": ex.name, "type": ex.type, "durable": True, "autoDelete": False, "vhost": "/"}}


def _properties() -> dict:
    """The AMQP properties a submission must carry (AsyncAPI has no slot for them)."""
    return {"type": "object", "required": ["message_id", "app_id", "user_id", "content_type"],
            "properties": {
                "message_id": {"type": "string", "minLength": 1, "maxLength": 200,
                               "description": "来源系统内唯一：幂等键，回执中的 source_ref"},
                "app_id": {"type": "string", "pattern": APP_ID_PATTERN,
                           "description": "登记的系统名（microwish systems register）"},
                "user_id": {"type": "string",
                            "description": "本系统的 RabbitMQ 账号；RabbitMQ 校验它与连接账号一致"},
                "content_type": {"const": "application/json"},
                "delivery_mode": {"const": 2, "description": "持久化"}}}


def _event(type_: str) -> dict:
    envelope = json_schema(EnvelopeSchema)
    envelope["properties"].update(type={"const": type_}, schema_version={"const": 1},
                                  payload=json_schema(contracts.schema_for(type_), _NOTES))
    return envelope


def _receipt(type_: str, title: str, summary: str) -> tuple[dict, dict]:
    message = {"name": type_, "title": title, "summary": summary,
               "contentType": "application/json", "payload": _event(type_),
               "bindings": {"amqp": {"messageType": type_, "bindingVersion": _AMQP}}}
    channel = {"description": f"交换机 {topology.EVENTS.name}（topic），路由键 {type_}.<app_id>。"
                              f"绑定到 submission.*.<app_id> 的队列收到全部回执。",
               "parameters": {"app_id": {"$ref": "#/components/parameters/app_id"}},
               "subscribe": {"operationId": "receive_" + type_.replace(".", "_"),
                             "summary": summary,
                             "message": {"$ref": f"#/components/messages/{type_}"}},
               "bindings": {"amqp": _exchange(topology.EVENTS)}}
    return channel, message


def document() -> dict:
    submission = {
        "name": SCHEMA_HEADER, "title": "心愿提交 (a submission)", "contentType": "application/json",
        "summary": "一条消息一个心愿；内容与 POST /api/v1/submissions 相同，为 UTF-8 编码的 JSON"
                   "（不带 BOM），content_type 为 application/json",
        "headers": {"type": "object", "required": ["schema"],
                    "properties": {"schema": {"const": SCHEMA_HEADER}}},
        "payload": json_schema(SubmissionSchema, NOTES), "x-amqp-properties": _properties(),
        "bindings": {"amqp": {"messageType": SCHEMA_HEADER, "bindingVersion": _AMQP}},
        "examples": [{"headers": {"schema": SCHEMA_HEADER}, "payload": SUBMISSION_EXAMPLE}]}
    channels = {"submission": {
        "description": f"交换机 {topology.INTAKE.name}（direct），路由键 submission。"
                       "同一 (app_id, message_id) 只建一个心愿；每条消息恰好一个回执。",
        "publish": {"operationId": "publish_submission", "summary": "提交一个心愿",
                    "bindings": {"amqp": {"deliveryMode": 2, "mandatory": True,
                                          "bindingVersion": _AMQP}},
                    "message": {"$ref": f"#/components/messages/{SCHEMA_HEADER}"}},
        "bindings": {"amqp": _exchange(topology.INTAKE)}}}
    messages = {SCHEMA_HEADER: submission}
    for type_, title, summary in (
            ("submission.accepted", "已受理回执", "已受理：wish_id 是心愿编号；duplicate=true 表示重发"),
            ("submission.rejected", "未受理回执", "未受理：errors 列出每个出错的字段、代码和中文说明"),
            ("submission.status", "后续进展",
             "心愿的后续进展：等待人工审核（pending_review）、需补充信息（needs_info，附 "
             "fields_needed）、审核结果、待发布（scheduled，附 opens_at）、已发布（published）、"
             "认领、完成。全部状态见 components.x-outcomes")):
        channels[f"{type_}.{{app_id}}"], messages[type_] = _receipt(type_, title, summary)
    return {
        "asyncapi": "2.6.0", "id": "urn:microwish:intake-queue",
        "info": {"title": "微心愿 intake queue contract", "version": VERSION, "description": (
            "对接系统（government systems）经 RabbitMQ 提交心愿并接收回执。见 docs/integration.md。"
            "消息内容和回执均为 UTF-8 编码的 JSON。"
            "回执队列 receipts.<app_id> 由平台在登记系统时声明（绑定到 microwish.events 的"
            " submission.*.<app_id>），系统只能读取它：每条消息恰好一个回执（accepted 或"
            " rejected），之后每一步进展一个 submission.status（状态见 components.x-outcomes）。"
            "未受理回执的 errors 中每项为 {field, code, message}：code 的全部取值及中文说明见"
            " components.x-error-codes，field 的取值见 components.x-error-fields。"
            "未受理的消息同时保存在死信队列 intake.submissions.dead（消息头 x-reason）。"
            "HTTP 接口见网关的 GET /api/v1/openapi.json。")},
        "servers": {"rabbitmq": {"url": "{host}:5672", "protocol": "amqp",
                                 "protocolVersion": "0.9.1",
                                 "variables": {"host": {"default": "rabbitmq"}},
                                 "description": "每个对接系统用自己的 RabbitMQ 账号连接"}},
        "defaultContentType": "application/json",
        "channels": channels,
        "components": {
            "messages": messages,
            "parameters": {"app_id": {"description": "对接系统登记的 app_id",
                                      "schema": {"type": "string"}}},
            # The whole catalogue: a new code anywhere makes this file stale (a test says so).
            "x-error-codes": error_catalogue(), "x-error-fields": ERROR_FIELDS,
            "x-outcomes": outcomes()},
    }


def render() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
