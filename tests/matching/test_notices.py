"""Reminders before a claim is due, giving up overdue claims, and delivering notices, against the
real PostgreSQL: each scan derived from stored state, safe with two workers at once."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from services.matching.models import Claim, Notice, Wish
from services.matching.notices import jobs, rules
from services.matching.notices.senders import LogSender
from shared.clock import CHINA
from tests.factories import COMMUNITY, published_wish
from tests.helpers import CJK, add, all_at_once

LADDER = (3, 1, 0)
NOON = datetime(2026, 12, 10, 12, 0, tzinfo=CHINA)  # a China afternoon: no quiet hours


def _claimed(db, *claims: tuple) -> None:
    """Each (wish id, due on, member, urgent) a wish with its open claim, due on that day."""
    add(db, *[published_wish(w, status="claimed", claim_id=f"c-{w}", urgent=urgent)
              for w, _due, _member, urgent in claims])
    add(db, *[Claim(id=f"c-{w}", wish_id=w, member_id=member, status="claimed",
                    claimed_at=NOON - timedelta(days=10), due_on=due, members=[], team=False)
              for w, due, member, _urgent in claims])


def _notices(db) -> list[Notice]:
    with db.uow() as uow:
        found = uow.session.scalars(select(Notice).order_by(Notice.key)).all()
        uow.session.expunge_all()
        return found


def _events(db, type_: str) -> list[dict]:
    with db.engine.connect() as conn:
        return [json.loads(body)["payload"] for body in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == type_))]


def test_the_ladder_owes_the_nearest_step_that_has_come():
    due = date(2026, 12, 20)
    assert rules.rung(due, date(2026, 12, 16), LADDER) is None  # four days before: nothing yet
    assert rules.rung(due, date(2026, 12, 17), LADDER) == 3
    assert rules.rung(due, date(2026, 12, 18), LADDER) == 3  # still the 3-day step's day…
    assert rules.rung(due, date(2026, 12, 19), LADDER) == 1
    assert rules.rung(due, date(2026, 12, 20), LADDER) == 0
    assert rules.rung(due, date(2026, 12, 21), LADDER) is None  # past due: overdue's business
    assert not rules.overdue(due, date(2026, 12, 23), 3)
    assert rules.overdue(due, date(2026, 12, 24), 3)


def test_quiet_hours_hold_a_notice_until_eight_in_china_unless_the_wish_is_urgent():
    evening = datetime(2026, 12, 10, 21, 59, tzinfo=CHINA)
    assert rules.deliver_at(evening, urgent=False) == evening
    late = datetime(2026, 12, 10, 22, 0, tzinfo=CHINA)
    assert rules.deliver_at(late, urgent=False) == datetime(2026, 12, 11, 8, 0, tzinfo=CHINA)
    early = datetime(2026, 12, 11, 7, 59, tzinfo=CHINA)
    assert rules.deliver_at(early, urgent=False) == datetime(2026, 12, 11, 8, 0, tzinfo=CHINA)
    assert rules.deliver_at(late, urgent=True) == late
    assert rules.retry_at(late, 1) == late + timedelta(seconds=30)
    assert rules.retry_at(late, 30) == late + timedelta(hours=1)


def test_two_workers_scanning_at_once_write_and_send_each_reminder_exactly_once(make_db):
    db = make_db("matching")
    today = NOON.date()
    _claimed(db, ("in-three", today + timedelta(days=3), "m-1", False),
             ("tomorrow", today + timedelta(days=1), "m-2", False),
             ("today", today, "m-1", False),
             ("later", today + timedelta(days=9), "m-1", False))
    written = all_at_once(2, lambda _n: lambda: jobs.remind(db, LADDER, NOON))
    assert sum(written) == 3
    assert [(n.key, n.kind, n.recipient) for n in _notices(db)] == [
        ("reminder:c-in-three:3:m-1", "claim.reminder", "m-1"),
        ("reminder:c-today:0:m-1", "claim.due_today", "m-1"),
        ("reminder:c-tomorrow:1:m-2", "claim.reminder", "m-2")]
    assert jobs.remind(db, LADDER, NOON + timedelta(hours=2)) == 0  # the next scan: nothing new
    senders = [LogSender(), LogSender()]
    sent = all_at_once(2, lambda n: lambda: jobs.deliver(db, senders[n], NOON))
    ids = [notice_id for s in senders for notice_id, _to, _text in s.sent]
    assert sum(sent) == 3 and sorted(ids) == sorted(n.id for n in _notices(db))
    texts = [text for s in senders for _id, _to, text in s.sent]
    assert all(CJK.search(t) and "想要一个血压仪" in t for t in texts)
    assert jobs.deliver(db, senders[0], NOON + timedelta(minutes=5)) == 0
    assert all(n.sent_at is not None for n in _notices(db))


def test_past_the_grace_period_exactly_the_overdue_claims_are_given_up(make_db):
    db = make_db("matching")
    today = NOON.date()
    _claimed(db, ("long-late", today - timedelta(days=10), "m-1", False),
             ("just-late", today - timedelta(days=4), "m-2", False),
             ("in-grace", today - timedelta(days=3), "m-1", False),
             ("due", today, "m-1", False))
    released = all_at_once(2, lambda _n: lambda: jobs.release_overdue(db, 3, NOON))
    assert sum(released) == 2
    with db.uow() as uow:
        statuses = dict(uow.session.execute(select(Wish.id, Wish.status)).all())
        reasons = dict(uow.session.execute(select(Claim.id, Claim.release_reason)).all())
    assert statuses == {"long-late": "published", "just-late": "published",
                        "in-grace": "claimed", "due": "claimed"}
    assert reasons["c-long-late"] == reasons["c-just-late"] == "overdue"
    events = _events(db, "wish.released")
    assert sorted(e["wish_id"] for e in events) == ["just-late", "long-late"]
    assert all(e["reasons"][0]["code"] == "overdue" and CJK.search(e["reasons"][0]["message"])
               for e in events)
    told = {(n.recipient, n.kind) for n in _notices(db)}
    assert told == {("m-1", "claim.overdue_released"), ("m-2", "claim.overdue_released"),
                    (f"liaisons:{COMMUNITY}", "liaison.overdue_released")}
    assert len(_notices(db)) == 4  # each claim's claimer and its community's liaisons
    assert jobs.release_overdue(db, 3, NOON + timedelta(hours=1)) == 0


def test_a_failed_delivery_waits_and_is_sent_once_later_and_quiet_hours_hold_others(make_db):
    db = make_db("matching")
    night = datetime(2026, 12, 9, 23, 0, tzinfo=CHINA)
    _claimed(db, ("quiet", night.date() + timedelta(days=1), "m-1", False),
             ("urgent", night.date() + timedelta(days=1), "m-2", True))
    assert jobs.remind(db, LADDER, night) == 2

    class Flaky(LogSender):
        def __init__(self):
            super().__init__()
            self.failed = 0

        def send(self, notice_id, recipient, kind, params):
            if self.failed == 0:
                self.failed += 1
                raise TimeoutError("gateway timed out")
            super().send(notice_id, recipient, kind, params)

    sender = Flaky()
    assert jobs.deliver(db, sender, night) == 0  # the urgent one failed; the other waits
    [waiting] = [n for n in _notices(db) if n.recipient == "m-2"]
    assert waiting.attempts == 1 and "TimeoutError" in waiting.last_error
    assert jobs.deliver(db, sender, night + timedelta(minutes=1)) == 1  # tried again
    assert [to for _id, to, _text in sender.sent] == ["m-2"]
    assert jobs.deliver(db, sender, night + timedelta(hours=8, minutes=59)) == 0  # 07:59
    assert jobs.deliver(db, sender, night + timedelta(hours=9)) == 1  # 08:00 China
    assert [to for _id, to, _text in sender.sent] == ["m-2", "m-1"]
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Notice.__table__)
                           .where(Notice.sent_at.is_(None))) == 0


def test_a_person_gets_at_most_their_hourly_notices_and_the_rest_a_little_later(make_db):
    db = make_db("matching")
    today = NOON.date()
    _claimed(db, *[(f"w{n:02d}", today, "m-busy", False) for n in range(12)],
             ("urgent", today, "m-busy", True))
    assert jobs.remind(db, LADDER, NOON) == 13
    sender = LogSender()
    assert jobs.deliver(db, sender, NOON, per_hour=10) == 11  # ten, and the urgent wish's
    assert jobs.deliver(db, sender, NOON + timedelta(minutes=5), per_hour=10) == 0
    assert jobs.deliver(db, sender, NOON + timedelta(minutes=61), per_hour=10) == 2
    assert len({notice_id for notice_id, _to, _text in sender.sent}) == 13
    assert all(n.attempts == 0 for n in _notices(db))  # waiting is no failure
