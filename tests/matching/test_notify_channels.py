"""Mail and WeChat notices against local servers (aiosmtpd, tests/notify_gateway.py), contacts
kept from intake's events, and the factory that picks a channel; on the real PostgreSQL."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from services.matching import communities, members
from services.matching.models import Contact, Notice
from services.matching.notices import jobs
from services.matching.notices.actions import notify
from services.matching.notices.contacts import AddressBook
from services.matching.notices.senders import LogSender, sender_from
from services.matching.notices.smtp import SmtpSender
from services.matching.notices.wechat import FIELD_LIMIT, WechatSender
from shared.clock import CHINA
from shared.envelope import delivered, make_event
from shared.pii import Sealer
from tests import notify_gateway as gw
from tests.factories import COMMUNITY, community_profile, member_profile
from tests.helpers import add, free_port

NOON = datetime(2026, 12, 10, 12, 0, tzinfo=CHINA)
TIMEOUT = 2.0  # the client's; a hanging answer outlasts it (a busy machine's answers do not)
LONG_TITLE = "想要一台能听戏曲和新闻的收音机，最好声音大一点"  # longer than a WeChat field


class Mailbox:
    """aiosmtpd's handler: keeps each mail; refuses the recipients in `refuse`."""

    def __init__(self, refuse=()):
        self.mails, self.refuse = [], set(refuse)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.mails.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                 policy=policy.default)))
        return "250 OK"


@pytest.fixture
def mailbox():
    box = Mailbox(refuse={"gone@example.org"})
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


def _setup(db, db_settings, contacts: dict, notices: dict, kind="claim.reminder",
           params=None) -> AddressBook:
    sealer = Sealer(db_settings.pii_keys)
    add(db, *[Contact(recipient=r, sealed=sealer.seal(c), as_of=NOON)
              for r, c in contacts.items()])
    with db.uow() as uow:
        for key, recipient in notices.items():
            notify(uow, key, recipient, kind, params or {
                "title": LONG_TITLE, "due_on": "2026-12-13", "days_left": 3}, False, NOON)
        uow.commit()
    return AddressBook(sealer)


def _notices(db) -> dict[str, Notice]:
    with db.uow() as uow:
        found = {n.key: n for n in uow.session.scalars(select(Notice))}
        uow.session.expunge_all()
        return found


def test_a_mail_carries_the_chinese_text_and_a_refused_address_fails_with_its_reason(
        make_db, db_settings, mailbox, caplog):
    db = make_db("matching")
    box, port = mailbox
    book = _setup(db, db_settings, {"m-1": {"phone": "13912345671", "email": "zhang@example.org"},
                                    "m-2": {"email": "gone@example.org"},
                                    "m-3": {"phone": "13912345673"}},
                  {"a": "m-1", "b": "m-2", "c": "m-3"})
    caplog.set_level(logging.DEBUG)
    sender = SmtpSender("127.0.0.1", port, sender="微心愿 <noreply@microwish.example>")
    assert jobs.deliver(db, sender, NOON, addresses=book) == 1
    [(to, mail)] = box.mails
    assert to == ["zhang@example.org"] and mail["Subject"] == f"【微心愿】{LONG_TITLE}"
    assert f"您认领的心愿「{LONG_TITLE}」还有3天到期（2026-12-13）" in mail.get_content()
    found = _notices(db)
    assert found["a"].provider_id == mail["Message-ID"] == f"<{found['a'].id}@microwish>"
    assert (found["b"].failure, found["c"].failure) == ("rejected:smtp_550", "no_address:email")
    lines = " ".join(r.getMessage() for r in caplog.records if r.name.startswith("microwish"))
    assert "example.org" not in lines and "13912345673" not in lines and "m-3" in lines


def test_wechat_fields_are_capped_at_twenty_characters_and_limits_retry(make_db, db_settings):
    db = make_db("matching")
    gateway = gw.NotifyGateway()
    try:
        book = _setup(db, db_settings, {"m-1": {"wechat_openid": "o-zhang"},
                                        "m-2": {"wechat_openid": "o-unsubscribed"}},
                      {"a": "m-1", "b": "m-2"})
        sender = WechatSender(f"{gateway.base}/cgi-bin/message/template/send", gateway.token,
                              {"claim.reminder": "TPL-REMIND"}, None, timeout=TIMEOUT)
        gateway.answer_for("o-zhang", gw.LIMIT, gw.TIMEOUT_AFTER)  # then taken again: once
        gateway.answer_for("o-unsubscribed", gw.REJECT)
        for step in range(4):
            jobs.deliver(db, sender, NOON + timedelta(hours=step), addresses=book)
        found = _notices(db)
        assert found["a"].sent_at and found["a"].attempts == 2
        assert (found["b"].failure, found["b"].sent_at) == ("rejected:wechat_43004", None)
        [got] = gateway.received["o-zhang"]  # sent once, though tried three times
        assert got["key"] == found["a"].id and got["template"] == "TPL-REMIND"
        assert all(len(field["value"]) <= FIELD_LIMIT for field in got["data"].values())
        assert got["data"]["title"]["value"] == LONG_TITLE[:FIELD_LIMIT - 1] + "…"
        assert got["data"]["days_left"] == {"value": "3"}
        assert found["a"].provider_id == gateway.taken[found["a"].id]["id"]
    finally:
        gateway.close()


def test_matching_keeps_contacts_from_member_and_community_events_never_going_back(
        make_db, db_settings):
    db = make_db("matching")
    sealer = Sealer(db_settings.pii_keys)
    old = make_event("member.registered", member_profile(
        contact_sealed=sealer.seal({"phone": "13912345671"})), "intake")
    new = replace(make_event("member.updated", member_profile(
        contact_sealed=sealer.seal({"phone": "13912345679", "email": "z@example.org"})),
        "intake"), occurred_at=old.occurred_at + timedelta(1))
    office = make_event("community.registered", community_profile(
        office_contact_sealed=sealer.seal({"phone": "03948888888"})), "intake")
    for handler, event in ((members.keep, new), (members.keep, old),
                           (communities.keep, office)):
        with db.uow() as uow:
            handler(uow, delivered(event))
            uow.commit()
    book = AddressBook(sealer)
    with db.uow() as uow:
        phones = book.addresses(uow.session, {"m-1", f"liaisons:{COMMUNITY}", "m-2"}, "phone")
        emails = book.addresses(uow.session, {"m-1"}, "email")
    assert phones == {"m-1": "13912345679", f"liaisons:{COMMUNITY}": "03948888888"}
    assert emails == {"m-1": "z@example.org"}
    assert "contact_sealed" not in {c.name for c in members.Member.__table__.columns}


def test_the_factory_picks_each_channel_and_refuses_unknown_ones():
    assert isinstance(sender_from({}), LogSender)
    smtp = sender_from({"MICROWISH_NOTICE_SENDER": "smtp", "MICROWISH_SMTP_HOST": "mail",
                        "MICROWISH_SMTP_PORT": "587", "MICROWISH_SMTP_STARTTLS": "1"})
    assert (smtp.channel, smtp.needs, smtp.port, smtp.starttls) == ("smtp", "email", 587, True)
    sms = sender_from({"MICROWISH_NOTICE_SENDER": "sms", "MICROWISH_SMS_URL": "http://gw/sms",
                       "MICROWISH_SMS_TEMPLATES": "claim.reminder=SMS_1, claim.due_today=SMS_2",
                       "MICROWISH_SMS_ACCESS_KEY_SECRET": "s3cret"})
    assert sms.templates == {"claim.reminder": "SMS_1", "claim.due_today": "SMS_2"}
    assert "s3cret" not in repr(vars(sms).get("templates"))
    wechat = sender_from({"MICROWISH_NOTICE_SENDER": "wechat", "MICROWISH_WECHAT_URL": "http://w"})
    assert (wechat.channel, wechat.needs) == ("wechat", "wechat_openid")
    for env in ({"MICROWISH_NOTICE_SENDER": "pigeon"}, {"MICROWISH_NOTICE_SENDER": "sms"}):
        with pytest.raises(ValueError):
            sender_from(env)
