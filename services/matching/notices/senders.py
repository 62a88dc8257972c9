"""Who carries a notice to a person. One interface, so the SMS gateway, mail and WeChat adapters
slot in beside the one the all-in-one uses:

- LogSender writes each notice to the log: the recipient's account id (never a phone number or
  address: this side holds none), the kind and the text.

sender_from picks by MICROWISH_NOTICE_SENDER (`log`, the default).
"""
from __future__ import annotations

import logging
from typing import Protocol

from services.matching.notices.templates import render

log = logging.getLogger("microwish.notices")


class DeliveryFailed(Exception):
    """The channel did not take the notice; it is tried again later."""


class Sender(Protocol):
    def send(self, notice_id: str, recipient: str, kind: str, params: dict) -> None:
        """Deliver one notice or raise DeliveryFailed; `notice_id` lets a channel drop a
        duplicate of one it already took."""


class LogSender:
    """Notices as log lines: the all-in-one's and the tests' channel."""

    def __init__(self):
        self.sent: list[tuple[str, str, str]] = []  # (notice id, recipient, text): what went

    def send(self, notice_id: str, recipient: str, kind: str, params: dict) -> None:
        text = render(kind, params)
        log.info("notice %s to %s (%s): %s", notice_id, recipient, kind, text)
        self.sent.append((notice_id, recipient, text))


def sender_from(env: dict) -> Sender:
    name = env.get("MICROWISH_NOTICE_SENDER", "log")
    if name != "log":
        raise ValueError(f"MICROWISH_NOTICE_SENDER: no sender called {name!r} (log)")
    return LogSender()
