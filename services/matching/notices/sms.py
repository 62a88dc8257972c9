"""The SMS channel: an HTTP gateway in the shape of Aliyun's SendSms (dysmsapi 2017-05-25).

    POST {MICROWISH_SMS_URL}   application/x-www-form-urlencoded
      Action=SendSms  Version=2017-05-25  Format=JSON
      AccessKeyId, SignatureMethod=HMAC-SHA1, SignatureVersion=1.0, SignatureNonce, Timestamp,
      Signature (Aliyun's RPC signature over the other fields, keyed by the access key secret)
      PhoneNumbers  one mainland number        SignName      MICROWISH_SMS_SIGN
      TemplateCode  the notice kind's template (MICROWISH_SMS_TEMPLATES, else the default)
      TemplateParam a JSON object of string values: the notice's params (the default template
                    gets {"content": the whole Chinese text})
      OutId         our notice id: the receipt names it, and a gateway drops a repeat of it

    {"Code": "OK", "BizId": "...", "RequestId": "..."}   taken: BizId is kept on the notice
    Code isv.BUSINESS_LIMIT_CONTROL, isv.DAY_LIMIT_CONTROL, Throttling.*, isp.*: tried later
    any other isv.* code: the number or the text is refused for good: the notice is failed
    a timeout, a refused connection, another answer: tried later (a bounded number of times)

The access key id and secret come from the environment and appear in no log line; a log line
names the account id and the masked phone only.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timezone
from http.client import HTTPException

from services.matching.notices.senders import DeliveryFailed, Undeliverable, by_kind
from services.matching.notices.templates import render
from shared.pii import mask_phone
from shared.settings import env_float

log = logging.getLogger("microwish.notices")
RETRY_CODES = {"isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.OUT_OF_SERVICE"}
RETRY_PREFIXES = ("Throttling", "isp.")  # flow control and the provider's own failures
_MAX_REPLY_BYTES = 64 * 1024


def percent(value) -> str:
    """Aliyun's percent-encoding: RFC 3986, `~` left alone."""
    return urllib.parse.quote(str(value), safe="~")


def signature(form: dict, secret: str) -> str:
    """Aliyun's RPC signature (HMAC-SHA1) of a POST's fields, `Signature` itself aside."""
    canonical = "&".join(f"{percent(k)}={percent(v)}" for k, v in sorted(form.items())
                         if k != "Signature")
    to_sign = "POST&%2F&" + percent(canonical)
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def template_params(kind: str, params: dict, own_template: bool) -> dict[str, str]:
    """TemplateParam: every value a string (the gateway refuses numbers); a kind without a
    template of its own goes through the default one as its whole text."""
    if not own_template:
        return {"content": render(kind, params)}
    return {name: "" if value is None else str(value) for name, value in params.items()}


class SmsSender:
    """Notices as text messages through an Aliyun-SendSms-shaped gateway."""

    channel, needs = "sms", "phone"

    def __init__(self, url: str, sign_name: str, templates: dict[str, str],
                 default_template: str | None, access_key_id: str, access_key_secret: str,
                 timeout: float = 5.0):
        self.url, self.sign_name = url, sign_name
        self.templates, self.default_template = templates, default_template
        self._key_id, self._secret = access_key_id, access_key_secret
        self.timeout = timeout

    @classmethod
    def from_env(cls, env: dict) -> "SmsSender":
        if not env.get("MICROWISH_SMS_URL"):
            raise ValueError("MICROWISH_NOTICE_SENDER=sms needs MICROWISH_SMS_URL")
        return cls(env["MICROWISH_SMS_URL"], env.get("MICROWISH_SMS_SIGN", "微心愿"),
                   by_kind(env.get("MICROWISH_SMS_TEMPLATES", "")),
                   env.get("MICROWISH_SMS_TEMPLATE_DEFAULT") or None,
                   env.get("MICROWISH_SMS_ACCESS_KEY_ID", ""),
                   env.get("MICROWISH_SMS_ACCESS_KEY_SECRET", ""),
                   env_float(env, "MICROWISH_SMS_TIMEOUT_SECONDS", 5.0))

    def send(self, notice_id: str, recipient: str, kind: str, params: dict,
             address: str | None = None) -> str:
        template = self.templates.get(kind) or self.default_template
        if not template:
            raise Undeliverable(f"no_template:{kind}")
        form = {"Action": "SendSms", "Version": "2017-05-25", "Format": "JSON",
                "AccessKeyId": self._key_id, "SignatureMethod": "HMAC-SHA1",
                "SignatureVersion": "1.0", "SignatureNonce": uuid.uuid4().hex,
                "Timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "PhoneNumbers": address, "SignName": self.sign_name, "TemplateCode": template,
                "TemplateParam": json.dumps(template_params(kind, params, kind in self.templates),
                                            ensure_ascii=False),
                "OutId": notice_id}
        form["Signature"] = signature(form, self._secret)
        reply = self._post(urllib.parse.urlencode(form).encode())
        code = reply.get("Code")
        if code == "OK" and reply.get("BizId"):
            log.info("notice %s to %s (%s) sent by sms to %s, BizId %s", notice_id, recipient,
                     kind, mask_phone(address or ""), reply["BizId"])
            return str(reply["BizId"])[:100]
        code = str(code)[:60]
        if code in RETRY_CODES or code.startswith(RETRY_PREFIXES):
            raise DeliveryFailed(f"sms gateway: {code} (limited, later)")
        if code.startswith("isv."):
            raise Undeliverable(f"rejected:{code}")
        raise DeliveryFailed(f"sms gateway: {code}")

    def _post(self, body: bytes) -> dict:
        """The gateway's JSON answer (an error status's body too: it carries the Code)."""
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(_MAX_REPLY_BYTES + 1)
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(_MAX_REPLY_BYTES + 1), exc.code
            exc.close()
            reply = _json(raw)
            if reply is None or "Code" not in reply:
                raise DeliveryFailed(f"sms gateway: HTTP {status}") from None
            return reply
        except (urllib.error.URLError, HTTPException, OSError) as exc:
            # `from None`: a cause might quote the request; the reason's type says enough
            reason = getattr(exc, "reason", exc)
            raise DeliveryFailed(f"sms gateway unreachable or timed out "
                                 f"({type(reason).__name__})") from None
        reply = _json(raw)
        if reply is None:
            raise DeliveryFailed("sms gateway: an answer that is not its JSON")
        return reply


def _json(raw: bytes) -> dict | None:
    try:
        data = json.loads(raw) if len(raw) <= _MAX_REPLY_BYTES else None
    except ValueError:
        return None
    return data if isinstance(data, dict) else None
