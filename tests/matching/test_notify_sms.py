"""Notices by SMS through a local gateway that misbehaves (tests/notify_gateway.py), against the
real PostgreSQL: nothing lost, nothing twice to a phone, receipts reconciled, no phone in a log."""
from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from services.matching import config as matching_config
from services.matching.app import create_app
from services.matching.models import Contact, Notice
from services.matching.notices import jobs
from services.matching.notices.actions import notify
from services.matching.notices.contacts import AddressBook
from services.matching.notices.sms import SmsSender
from shared.clock import CHINA
from shared.pii import Sealer, mask_phone
from tests import notify_gateway as gw
from tests.helpers import add, all_at_once, bearer, principal

NOON = datetime(2026, 12, 10, 12, 0, tzinfo=CHINA)
TIMEOUT = 2.0  # the client's; a hanging answer outlasts it (a busy machine's answers do not)
PHONES = {f"m-{n}": f"1391234567{n}" for n in range(1, 7)}
TOKEN = "receipt-token-for-tests"


@pytest.fixture
def gateway():
    made = gw.NotifyGateway()
    yield made
    made.close()


def _sender(gateway) -> SmsSender:
    return SmsSender(f"{gateway.base}/sms", "微心愿", {"claim.reminder": "SMS_100"}, "SMS_999",
                     gateway.key_id, gateway.secret, timeout=TIMEOUT)


def _setup(db, db_settings, phones: dict, notices: dict, urgent=False, now=NOON) -> AddressBook:
    """Contacts for `phones` (member → phone), and one reminder per (key → member)."""
    sealer = Sealer(db_settings.pii_keys)
    add(db, *[Contact(recipient=m, sealed=sealer.seal({"phone": p}), as_of=now)
              for m, p in phones.items()])
    with db.uow() as uow:
        for key, member in notices.items():
            notify(uow, key, member, "claim.reminder",
                   {"title": "想要一个新书包", "due_on": "2026-12-13", "days_left": 3}, urgent, now)
        uow.commit()
    return AddressBook(sealer)


def _notices(db) -> dict[str, Notice]:
    with db.uow() as uow:
        found = {n.key: n for n in uow.session.scalars(select(Notice))}
        uow.session.expunge_all()
        return found


def _drain(db, sender, book, start=NOON, rounds=12, **kw) -> None:
    """Deliver, an hour apart, until nothing is left to try (a bounded number of rounds)."""
    for step in range(rounds):
        jobs.deliver(db, sender, start + timedelta(hours=step), addresses=book, **kw)
        if all(n.sent_at or n.failed_at for n in _notices(db).values()):
            return
    raise AssertionError("notices still waiting after every round")


def test_every_failure_mode_loses_nothing_and_no_phone_gets_a_notice_twice(
        make_db, db_settings, gateway, caplog):
    db = make_db("matching")
    with_phone = {m: p for m, p in PHONES.items() if m != "m-6"}  # m-6 gave no phone
    book = _setup(db, db_settings, with_phone, {f"k-{m}": m for m in PHONES})
    gateway.answer(gw.LIMIT, gw.TIMEOUT_AFTER, gw.TIMEOUT_BEFORE, gw.REJECT, gw.ERROR)
    caplog.set_level(logging.DEBUG)
    _drain(db, _sender(gateway), book)
    found = _notices(db)
    failed = {n.recipient: n.failure for n in found.values() if n.failed_at}
    assert failed.pop("m-6") == "no_address:phone"
    assert list(failed.values()) == ["rejected:isv.MOBILE_NUMBER_ILLEGAL"]
    sent = [n for n in found.values() if n.sent_at]
    assert len(sent) == 4 and {n.channel for n in sent} == {"sms"}
    assert sum(n.attempts for n in sent) == 4  # the limit, both timeouts, the 500: one each…
    assert "HTTP 500" in " ".join(r.getMessage() for r in caplog.records)
    for n in sent:  # …and still each phone got its notice exactly once
        got = gateway.received[PHONES[n.recipient]]
        assert [m["key"] for m in got] == [n.id]
        assert n.provider_id == gateway.taken[n.id]["id"]
        assert got[0]["template"] == "SMS_100" and got[0]["sign"] == "微心愿"
        assert got[0]["params"] == {"title": "想要一个新书包", "due_on": "2026-12-13",
                                    "days_left": "3"}  # strings only
    assert len(gateway.messages()) == 4
    lines = [r.getMessage() for r in caplog.records]
    assert not [line for line in lines for p in PHONES.values() if p in line]
    assert any(mask_phone(PHONES[sent[0].recipient]) in line for line in lines)
    assert any("m-6" in line and "no_address:phone" in line for line in lines)


def test_two_workers_delivering_at_once_send_each_notice_to_its_phone_once(
        make_db, db_settings, gateway):
    db = make_db("matching")
    book = _setup(db, db_settings, PHONES, {f"k-{m}": m for m in PHONES})
    sender = _sender(gateway)
    sent = all_at_once(2, lambda _n: lambda: jobs.deliver(db, sender, NOON, addresses=book))
    assert sum(sent) == 6 and gateway.requests == 6
    assert sorted(len(got) for got in gateway.received.values()) == [1] * 6


def test_quiet_hours_and_the_hourly_limit_hold_with_the_gateway(make_db, db_settings, gateway):
    db = make_db("matching")
    night = datetime(2026, 12, 9, 23, 0, tzinfo=CHINA)
    book = _setup(db, db_settings, {"m-1": PHONES["m-1"]},
                  {f"busy-{n:02d}": "m-1" for n in range(12)}, now=night)
    sender = _sender(gateway)
    assert jobs.deliver(db, sender, night, addresses=book) == 0
    assert gateway.requests == 0  # 23:00 China: nothing reaches the phone
    morning = datetime(2026, 12, 10, 8, 0, tzinfo=CHINA)
    assert jobs.deliver(db, sender, morning, addresses=book, per_hour=10) == 10
    assert jobs.deliver(db, sender, morning + timedelta(minutes=30), addresses=book,
                        per_hour=10) == 0
    assert gateway.requests == 10
    assert jobs.deliver(db, sender, morning + timedelta(minutes=61), addresses=book,
                        per_hour=10) == 2
    assert len(gateway.received[PHONES["m-1"]]) == 12


def test_a_gateway_that_keeps_failing_is_given_up_after_the_attempts_allowed(
        make_db, db_settings, gateway):
    db = make_db("matching")
    book = _setup(db, db_settings, {"m-1": PHONES["m-1"]}, {"k": "m-1"})
    gateway.answer(*[gw.LIMIT] * 3)
    _drain(db, _sender(gateway), book, max_attempts=3)
    [n] = _notices(db).values()
    assert (n.failure, n.attempts, n.sent_at) == ("too_many_attempts", 3, None)
    assert "isv.BUSINESS_LIMIT_CONTROL" in n.last_error


@pytest.fixture
def receipts_url(db_settings, make_db):
    """Matching's app served on a free port (the gateway pushes over real HTTP), with its db."""
    db = make_db("matching")
    app = create_app(db_settings, db, matching_config.Config(sms_receipt_token=TOKEN))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1/notifications/sms-receipts", db
    server.shutdown()


def test_receipts_are_reconciled_by_out_id_duplicates_late_and_unknown_ones_included(
        receipts_url, db_settings, gateway, caplog):
    url, db = receipts_url
    book = _setup(db, db_settings, {m: PHONES[m] for m in ("m-1", "m-2", "m-3")},
                  {"a": "m-1", "b": "m-2", "c": "m-3"})
    gateway.answer(gw.OK, gw.OK, gw.TIMEOUT_AFTER)  # one taken while our call timed out
    sender = _sender(gateway)
    assert jobs.deliver(db, sender, NOON, addresses=book) == 2
    ids = {k: n.id for k, n in _notices(db).items()}
    [timed_out] = [k for k, n in _notices(db).items() if n.sent_at is None]
    [a, b] = sorted(set(ids) - {timed_out})
    caplog.set_level(logging.DEBUG)
    first = [gateway.report(ids[a], "2026-12-10 12:00:09"),
             gateway.report(ids[b], "2026-12-10 12:00:07", False, "IS:0001", "用户已停机"),
             gateway.report(ids[timed_out], "2026-12-10 12:00:08"),
             gateway.report("no-such-notice", "2026-12-10 12:00:08")]
    assert gateway.push(url, first, TOKEN) == (200, {"code": 0, "msg": "成功"})
    assert gateway.push(url, first, TOKEN) == (200, {"code": 0, "msg": "成功"})  # again
    late = gateway.report(ids[a], "2026-12-10 12:00:01", False, "IS:0002", "过期")
    assert gateway.push(url, [late], TOKEN)[0] == 200
    found = _notices(db)
    assert (found[a].receipt_status, found[a].receipt_error) == ("delivered", None)
    assert found[a].receipt_at == datetime(2026, 12, 10, 12, 0, 9, tzinfo=CHINA)
    assert (found[b].receipt_status, found[b].receipt_error) == ("failed", "IS:0001: 用户已停机")
    assert found[b].sent_at is not None and found[b].failed_at is None  # recorded, not re-sent
    # The receipt says the timed-out one reached the phone: it is sent, and never again.
    assert found[timed_out].sent_at is not None and found[timed_out].receipt_status == "delivered"
    assert jobs.deliver(db, sender, NOON + timedelta(hours=1), addresses=book) == 0
    assert gateway.requests == 3 and len(gateway.messages()) == 3
    newer = gateway.report(ids[b], "2026-12-10 12:05:00")  # the carrier's later word wins
    gateway.push(url, [newer], TOKEN)
    assert _notices(db)[b].receipt_status == "delivered"
    lines = [r.getMessage() for r in caplog.records]
    assert any("no-such-notice" in line for line in lines)
    assert not [line for line in lines for p in PHONES.values() if p in line]


def test_the_receipt_route_takes_the_shared_token_and_no_user_session(receipts_url, gateway,
                                                                     db_settings):
    url, _db = receipts_url
    report = [gateway.report("no-such-notice", "2026-12-10 12:00:08")]
    for token in (None, "", "wrong"):
        status, body = gateway.push(url, report, token)
        assert (status, body["error"]["code"]) == (401, "invalid_api_key")
    app = create_app(db_settings, _db, matching_config.Config(sms_receipt_token=TOKEN))
    session = bearer(db_settings, principal("district_admin"))
    resp = app.test_client().post("/api/v1/notifications/sms-receipts", json=report,
                                  headers=session)
    assert resp.status_code == 401
    resp = app.test_client().post("/api/v1/notifications/sms-receipts",
                                  json=[{"out_id": "x", "success": "maybe"}],
                                  headers={"X-Receipt-Token": TOKEN})
    assert resp.status_code == 422
    assert {f["field"] for f in resp.get_json()["error"]["fields"]} == {"0.success",
                                                                      "0.report_time"}
    newer_shape = [{**report[0], "sms_channel": "cmcc"}]  # a field the provider added one day
    resp = app.test_client().post("/api/v1/notifications/sms-receipts", json=newer_shape,
                                  headers={"X-Receipt-Token": TOKEN})
    assert (resp.status_code, resp.get_json()) == (200, {"code": 0, "msg": "成功"})
    unset = create_app(db_settings, _db, matching_config.Config())
    resp = unset.test_client().post("/api/v1/notifications/sms-receipts", json=report,
                                    headers={"X-Receipt-Token": ""})
    assert resp.status_code == 401  # no token configured: nobody gets in
