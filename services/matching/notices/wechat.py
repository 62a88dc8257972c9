"""The WeChat channel: a template message through the official-account API's shape.

    POST {MICROWISH_WECHAT_URL}?access_token={MICROWISH_WECHAT_TOKEN}   application/json
      {"touser": openid, "template_id": the kind's (MICROWISH_WECHAT_TEMPLATES, else the default),
       "client_msg_id": our notice id (WeChat drops a repeat of it),
       "data": {"content": {"value": the text}, <each param>: {"value": ...}}}
    every value capped at 20 characters (WeChat refuses a longer `thing` field)

    {"errcode": 0, "msgid": ...}               taken: msgid is kept on the notice
    errcode 45009, 45047, 45011, -1, 40001, 42001 (limits, busy, a stale token): tried later
    any other errcode (43004 not subscribed, 40003 bad openid, 40037 bad template): failed

The token comes from the environment (a proxy that refreshes it sits in front of WeChat) and
appears in no log line, nor does the openid: a log line names the account id.
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException

from services.matching.notices.senders import DeliveryFailed, Undeliverable, by_kind
from services.matching.notices.templates import render
from shared.settings import env_float

log = logging.getLogger("microwish.notices")
FIELD_LIMIT = 20  # characters in one data field's value
RETRY_CODES = {45009, 45047, 45011, -1, 40001, 42001}
_MAX_REPLY_BYTES = 64 * 1024


def capped(value) -> str:
    """A field's value, at most FIELD_LIMIT characters (cut ones end in …)."""
    text = "" if value is None else str(value)
    return text if len(text) <= FIELD_LIMIT else text[:FIELD_LIMIT - 1] + "…"


def message_data(kind: str, params: dict) -> dict:
    """The template's fields: the whole text as `content`, and each param by its name."""
    data = {name: {"value": capped(value)} for name, value in params.items()}
    data["content"] = {"value": capped(render(kind, params))}
    return data


class WechatSender:
    """Notices as WeChat template messages."""

    channel, needs = "wechat", "wechat_openid"

    def __init__(self, url: str, token: str, templates: dict[str, str],
                 default_template: str | None, timeout: float = 5.0):
        self.url, self._token = url, token
        self.templates, self.default_template = templates, default_template
        self.timeout = timeout

    @classmethod
    def from_env(cls, env: dict) -> "WechatSender":
        if not env.get("MICROWISH_WECHAT_URL"):
            raise ValueError("MICROWISH_NOTICE_SENDER=wechat needs MICROWISH_WECHAT_URL")
        return cls(env["MICROWISH_WECHAT_URL"], env.get("MICROWISH_WECHAT_TOKEN", ""),
                   by_kind(env.get("MICROWISH_WECHAT_TEMPLATES", "")),
                   env.get("MICROWISH_WECHAT_TEMPLATE_DEFAULT") or None,
                   env_float(env, "MICROWISH_WECHAT_TIMEOUT_SECONDS", 5.0))

    def send(self, notice_id: str, recipient: str, kind: str, params: dict,
             address: str | None = None) -> str:
        template = self.templates.get(kind) or self.default_template
        if not template:
            raise Undeliverable(f"no_template:{kind}")
        body = json.dumps({"touser": address, "template_id": template,
                           "client_msg_id": notice_id, "data": message_data(kind, params)},
                          ensure_ascii=False).encode()
        reply = self._post(body)
        errcode = reply.get("errcode", 0)
        if errcode == 0:
            msgid = str(reply.get("msgid", ""))[:100] or None
            log.info("notice %s to %s (%s) sent by wechat, msgid %s", notice_id, recipient,
                     kind, msgid)
            return msgid
        if errcode in RETRY_CODES:
            raise DeliveryFailed(f"wechat: errcode {errcode} (limited, later)")
        raise Undeliverable(f"rejected:wechat_{errcode}")

    def _post(self, body: bytes) -> dict:
        url = f"{self.url}?{urllib.parse.urlencode({'access_token': self._token})}"
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(_MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            exc.close()
            raise DeliveryFailed(f"wechat: HTTP {exc.code}") from None
        except (urllib.error.URLError, HTTPException, OSError) as exc:
            reason = getattr(exc, "reason", exc)  # `from None`: the URL holds the token
            raise DeliveryFailed(f"wechat unreachable or timed out "
                                 f"({type(reason).__name__})") from None
        try:
            reply = json.loads(raw) if len(raw) <= _MAX_REPLY_BYTES else None
        except ValueError:
            reply = None
        if not isinstance(reply, dict) or not isinstance(reply.get("errcode", 0), int):
            raise DeliveryFailed("wechat: an answer that is not its JSON")
        return reply
