"""Who carries a notice to a person. One interface, four channels (verification/registry.py's
pattern: an interface, adapters, a factory):

- LogSender writes each notice to the log: the recipient's account id, the kind and the text
  (the all-in-one's and the tests' channel; it needs no address).
- smtp.SmtpSender mails it, sms.SmsSender posts it to an Aliyun-SendSms-shaped gateway,
  wechat.WechatSender sends a WeChat template message; each needs one field of the recipient's
  sealed contact (notices.contacts), which the delivery job opens and hands it.

A channel raises DeliveryFailed (or anything else) when the notice may get through later: it
is tried again; Undeliverable when it never will (no address, the provider refused the number):
the notice is given up with that reason. sender_from picks by MICROWISH_NOTICE_SENDER
(`log`, the default, `smtp`, `sms`, `wechat`).
"""
from __future__ import annotations

import logging
from typing import Protocol

from services.matching.notices.templates import render

log = logging.getLogger("microwish.notices")
CHANNELS = ("log", "smtp", "sms", "wechat")


class DeliveryFailed(Exception):
    """The channel did not take the notice; it is tried again later."""


class Undeliverable(Exception):
    """The notice can never go by this channel; `reason` is a machine code, e.g.
    no_address:phone or rejected:isv.MOBILE_NUMBER_ILLEGAL (never an address)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    channel: str  # what Notice.channel records
    needs: str | None  # the contact field it sends to (notices.contacts.FIELDS); None: none

    def send(self, notice_id: str, recipient: str, kind: str, params: dict,
             address: str | None = None) -> str | None:
        """Deliver one notice to `address` (the recipient's phone, email or openid when the
        channel needs one), or raise; the provider's id for it (a BizId), if any. `notice_id`
        lets a channel drop a duplicate of one it already took."""


class LogSender:
    """Notices as log lines: the all-in-one's and the tests' channel."""

    channel, needs = "log", None

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []  # (notice id, recipient, text): what went

    def send(self, notice_id: str, recipient: str, kind: str, params: dict,
             address: str | None = None) -> None:
        text = render(kind, params)
        log.info("notice %s to %s (%s): %s", notice_id, recipient, kind, text)
        self.sent.append((notice_id, recipient, text))


def by_kind(text: str) -> dict[str, str]:
    """`claim.reminder=SMS_1,claim.due_today=SMS_2` → {kind: template}: a setting's map."""
    pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
    return {kind.strip(): value.strip() for kind, value in pairs if value.strip()}


def sender_from(env: dict) -> Sender:
    """The channel MICROWISH_NOTICE_SENDER names, configured from the rest of `env`."""
    name = env.get("MICROWISH_NOTICE_SENDER", "log")
    if name == "log":
        return LogSender()
    if name == "smtp":
        from services.matching.notices.smtp import SmtpSender
        return SmtpSender.from_env(env)
    if name == "sms":
        from services.matching.notices.sms import SmsSender
        return SmsSender.from_env(env)
    if name == "wechat":
        from services.matching.notices.wechat import WechatSender
        return WechatSender.from_env(env)
    raise ValueError(f"MICROWISH_NOTICE_SENDER: no sender called {name!r} ({'|'.join(CHANNELS)})")
