"""The gateway's OpenAPI document: intake's and every other service's, merged, each built from the
service's own app in this process (never fetched over HTTP, so it cannot be stale or half there)."""
from __future__ import annotations

import importlib

from services.intake.contracts import openapi
from shared.apidoc import merge
from shared.settings import SERVICES

PEERS = "microwish.peer_apps"  # the all-in-one's apps: it merges the very apps it serves
# Where each service's document is made (intake's is this package's own).
DOCUMENTS = {"intake": "services.intake.contracts.openapi",
             **{s: f"services.{s}.openapi" for s in SERVICES if s != "intake"}}
INFO = {"title": "微心愿 API（全部服务）", "version": openapi.VERSION, "description": (
    "网关（gateway）上的全部 HTTP 接口：受理 intake、审核 verification、认领 matching、积分 "
    "scoring。每个接口的 x-service 说明由哪个服务处理，x-roles 说明哪些角色可以调用。"
    "各服务在自己的端口上的 GET /api/v1/openapi.json 只含本服务的接口。对接系统经 AMQP 队列"
    "提交和接收回执：见 docs/asyncapi.json（含全部错误代码）和 docs/integration.md。所有错误均为 "
    '{"error": {"code", "message", "fields"}}。')}


def documents(app) -> dict[str, dict]:
    """Each service's own document, intake first; the others from their apps, made without a
    database (an app touches its database only when a request does)."""
    peers = app.extensions.get(PEERS) or {}
    settings = app.extensions["microwish.settings"]
    out = {}
    for service, module in DOCUMENTS.items():
        if service == "intake":
            peer = app
        else:
            peer = peers.get(service) or importlib.import_module(
                f"services.{service}.app").create_app(settings)
        out[service] = importlib.import_module(module).document(peer)
    return out


def merged(app) -> dict:
    return merge(INFO, documents(app))
