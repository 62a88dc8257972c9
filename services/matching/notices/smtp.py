"""The mail channel: each notice as a UTF-8 Chinese mail over SMTP (smtplib).

MICROWISH_SMTP_HOST, _PORT (25), _USER and _PASSWORD (log in only when a user is set), _FROM
(the sender address), _STARTTLS (1: upgrade the connection first), _TIMEOUT_SECONDS (10).
Message-ID is <notice id@microwish>, so a mail system can drop a repeat. A 4xx answer, a
timeout or a refused connection: tried later; a 5xx answer or a refused recipient: failed.
A log line names the account id, never the address.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from services.matching.notices.senders import DeliveryFailed, Undeliverable
from services.matching.notices.templates import render
from shared.settings import env_float, env_int

log = logging.getLogger("microwish.notices")


def subject(kind: str, params: dict) -> str:
    """【微心愿】 and the wish's title, when the notice names one."""
    title = params.get("title")
    return f"【微心愿】{title}" if title else "【微心愿】通知"


def message(notice_id: str, kind: str, params: dict, sender: str, to: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = subject(kind, params), sender, to
    mail["Message-ID"] = f"<{notice_id}@microwish>"
    mail["Date"] = formatdate(localtime=False)
    mail.set_content(render(kind, params) + "\n\n——微心愿平台（本邮件由系统发送，请勿回复）\n",
                     charset="utf-8")
    return mail


class SmtpSender:
    """Notices as mails through one SMTP server."""

    channel, needs = "smtp", "email"

    def __init__(self, host: str, port: int = 25, user: str | None = None,
                 password: str | None = None, sender: str = "noreply@microwish.local",
                 starttls: bool = False, timeout: float = 10.0):
        self.host, self.port, self.user, self._password = host, port, user, password
        self.sender, self.starttls, self.timeout = sender, starttls, timeout

    @classmethod
    def from_env(cls, env: dict) -> "SmtpSender":
        if not env.get("MICROWISH_SMTP_HOST"):
            raise ValueError("MICROWISH_NOTICE_SENDER=smtp needs MICROWISH_SMTP_HOST")
        return cls(env["MICROWISH_SMTP_HOST"], env_int(env, "MICROWISH_SMTP_PORT", 25),
                   env.get("MICROWISH_SMTP_USER") or None,
                   env.get("MICROWISH_SMTP_PASSWORD") or None,
                   env.get("MICROWISH_SMTP_FROM", "noreply@microwish.local"),
                   env.get("MICROWISH_SMTP_STARTTLS", "0").lower() in ("1", "true", "yes"),
                   env_float(env, "MICROWISH_SMTP_TIMEOUT_SECONDS", 10.0))

    def send(self, notice_id: str, recipient: str, kind: str, params: dict,
             address: str | None = None) -> str:
        mail = message(notice_id, kind, params, self.sender, address or "")
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self._password or "")
                smtp.send_message(mail)
        # `from None` throughout: smtplib's messages quote the address
        except smtplib.SMTPRecipientsRefused as exc:
            code = next((c for c, _text in exc.recipients.values()), 550)
            if 400 <= code < 500:  # greylisted, mailbox busy: another day
                raise DeliveryFailed(f"smtp: {code} (later)") from None
            raise Undeliverable(f"rejected:smtp_{code}") from None
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise Undeliverable(f"rejected:smtp_{exc.smtp_code}") from None
            raise DeliveryFailed(f"smtp: {exc.smtp_code} (later)") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(f"smtp unreachable or timed out ({type(exc).__name__})") from None
        log.info("notice %s to %s (%s) sent by mail", notice_id, recipient, kind)
        return mail["Message-ID"]
