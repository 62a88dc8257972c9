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
from shared import contracts, topology
from shared.json_schema import json_schema
from shared.envelope import EnvelopeSchema

_AMQP = "0.2.0"  # the AMQP bindings version
# Codes only the queue answers with (the rest are those of the HTTP API).
QUEUE_CODES = {"unknown_schema": f"消息头 schema 应为 {SCHEMA_HEADER}",
               "missing_identity": "消息缺少合法的 app_id 或 message_id（不回执，进入死信队列）",
               "rejected": "消息无法处理"}
OUTCOMES = sorted(b.routing_key.split(".", 1)[1]
                  for b in topology.queue("intake.wish-outcomes").bindings
                  if b.exchange == topology.EVENTS)
_NOTES = {**NOTES, (contracts.SubmissionStatus, "status"): {
    "enum": OUTCOMES, "description": "心愿的新状态（needs_info 时请经 HTTP 补充信息）"}}


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
        "summary": "一条消息一个心愿；内容与 POST /api/v1/submissions 相同",
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
            ("submission.status", "后续进展", "心愿的后续进展：审核、发布、认领、完成")):
        channels[f"{type_}.{{app_id}}"], messages[type_] = _receipt(type_, title, summary)
    return {
        "asyncapi": "2.6.0", "id": "urn:microwish:intake-queue",
        "info": {"title": "微心愿 intake queue contract", "version": VERSION, "description": (
            "对接系统（government systems）经 RabbitMQ 提交心愿并接收回执。见 docs/integration.md。"
            "回执队列 receipts.<app_id> 由平台在登记系统时声明（绑定到 microwish.events 的"
            " submission.*.<app_id>），系统只能读取它。未受理回执中的错误代码见"
            " components.x-error-codes 和 GET /api/v1/openapi.json 的"
            " components.schemas.Error.x-error-codes。")},
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
            # Only the queue's own codes: the full list lives in the OpenAPI document, so a new
            # HTTP error code does not make this file stale.
            "x-error-codes": QUEUE_CODES},
    }


def render() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
