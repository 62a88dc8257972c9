"""Wishes nobody takes go to their community party organisation (上报), once each, with two
workers scanning at once; the liaison sees them in their escalation list."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.escalation import jobs, rules
from services.matching.models import Notice, Wish
from shared.clock import CHINA
from shared.envelope import utcnow
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import CJK, add, all_at_once

NOW = datetime(2026, 12, 10, 12, 0, tzinfo=CHINA)


def test_a_wish_escalates_days_after_it_opened_to_the_city_or_near_its_deadline():
    opened = NOW - timedelta(days=3)
    assert rules.escalation(opened, None, NOW, 3, 2) == rules.UNCLAIMED
    assert rules.escalation(opened + timedelta(seconds=1), None, NOW, 3, 2) is None
    assert rules.escalation(NOW, date(2026, 12, 12), NOW, 3, 2) == rules.NEAR_DEADLINE
    assert rules.escalation(NOW, date(2026, 12, 13), NOW, 3, 2) is None
    assert rules.escalation(None, None, NOW, 3, 2) is None


def test_two_workers_escalate_each_forgotten_wish_once_and_the_liaison_sees_them(db_settings,
                                                                                make_db):
    db = make_db("matching")
    now = utcnow().astimezone(CHINA)  # the wall's window is judged at the real time
    add(db, published_wish("forgotten", citywide_at=now - timedelta(days=4)),
        published_wish("recent", citywide_at=now - timedelta(days=2), published_at=now),
        published_wish("soon-due", published_at=now, deadline=now.date() + timedelta(days=1)),
        published_wish("taken", status="claimed", claim_id="c-1",
                       citywide_at=now - timedelta(days=9)),
        published_wish("elsewhere", community_code="pudong-gaoqiao",
                       citywide_at=now - timedelta(days=5)))
    assert sum(all_at_once(2, lambda _n: lambda: jobs.escalate(db, 3, 2, now))) == 3
    assert jobs.escalate(db, 3, 2, now + timedelta(hours=1)) == 0
    with db.engine.connect() as conn:
        events = {json.loads(b)["payload"]["wish_id"]: json.loads(b)["payload"]["reasons"][0]
                  for b in conn.scalars(select(db.outbox.c.body)
                                        .where(db.outbox.c.type == "wish.escalated"))}
        told = set(conn.execute(select(Notice.recipient, Notice.kind)).all())
    assert set(events) == {"forgotten", "soon-due", "elsewhere"}
    assert events["forgotten"]["code"] == "unclaimed" and events["soon-due"]["code"] == "near_deadline"
    assert all(CJK.search(reason["message"]) for reason in events.values())
    assert told == {(f"liaisons:{COMMUNITY}", "liaison.escalated"),
                    ("liaisons:pudong-gaoqiao", "liaison.escalated")}

    client = create_app(db_settings, db).test_client()
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    listed = liaison.get("/api/v1/escalations").get_json()["items"]
    assert [w["id"] for w in listed] == ["forgotten", "soon-due"]
    assert all(w["community_name"] for w in listed)
    member = Claimer.signed(client, db_settings, id="m-1")
    assert member.get("/api/v1/escalations").status_code == 403
    assert member.claim("forgotten").status_code == 201  # still on the wall for anyone
    assert [w["id"] for w in liaison.get("/api/v1/escalations").get_json()["items"]] == [
        "soon-due"]
    with db.uow() as uow:
        assert uow.session.get(Wish, "recent").escalated_at is None
