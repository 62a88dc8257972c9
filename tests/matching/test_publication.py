"""Meeting-day publication against the real PostgreSQL: scheduled, opened by the job once, urgent
at once, and a liaison's hand on it (open now, hold, resume)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.config import Config
from services.matching.models import Wish
from services.matching.publication import actions
from shared.clock import CHINA
from shared.contracts import schema_for
from shared.envelope import payload_type
from shared.meeting_day import MeetingRule
from tests.actors import Liaison
from tests.factories import COMMUNITY

CONFIG = Config(publication_hour=9, window_hours=48)
FIRST_SATURDAY = MeetingRule(1, 6)
NOV_20 = datetime(2026, 11, 20, 15, tzinfo=CHINA)  # a Friday: the batch opens on Saturday 5 Dec
DEC_5_AT_9 = datetime(2026, 12, 5, 9, tzinfo=CHINA)


def verified(wish_id: str, urgent: bool = False, community: str = COMMUNITY):
    """A wish.verified payload as matching's handler receives it."""
    data = schema_for("wish.verified").load({
        "wish_id": wish_id, "source": "web", "source_ref": wish_id, "community_code": community,
        "title": "想要一个血压仪", "description": "患高血压多年", "kind": "material",
        "wisher_display": "陈**", "submitted_by": None, "contact_masked": {}, "urgent": urgent})
    return payload_type("wish.verified")(**data)


def take_in(db, *wishes, rule=FIRST_SATURDAY, now=NOV_20) -> None:
    with db.uow() as uow:
        for w in wishes:
            actions.publish(uow, w, CONFIG, rule, now=now)
        uow.commit()


def events(db, type_: str) -> list[dict]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(db.outbox.c.body).where(db.outbox.c.type == type_)
                            .order_by(db.outbox.c.id)).all()
    return [json.loads(r.body)["payload"] for r in rows]


def wish(db, wish_id: str) -> Wish:
    with db.uow() as uow:
        found = uow.session.get(Wish, wish_id)
        uow.session.expunge(found)
        return found


def test_a_verified_wish_waits_for_the_meeting_day_and_the_batch_opens_together(make_db):
    db = make_db("matching")
    take_in(db, verified("w1"), verified("w2"))
    assert wish(db, "w1").status == "scheduled"
    assert [e["opens_at"] for e in events(db, "wish.scheduled")] == [
        DEC_5_AT_9.astimezone(timezone.utc).isoformat()] * 2
    assert actions.open_due(db, CONFIG, now=DEC_5_AT_9 - timedelta(seconds=1)) == 0
    assert actions.open_due(db, CONFIG, now=DEC_5_AT_9) == 2
    published = events(db, "wish.published")
    assert {p["batch"] for p in published} == {f"{COMMUNITY}:2026-12-05"}
    opened = wish(db, "w1")
    assert opened.status == "published" and opened.published_at == DEC_5_AT_9
    assert opened.citywide_at == DEC_5_AT_9 + timedelta(hours=48)
    assert actions.open_due(db, CONFIG, now=DEC_5_AT_9 + timedelta(hours=1)) == 0  # once
    closes = DEC_5_AT_9 + timedelta(hours=48)
    assert actions.announce_citywide(db, now=closes - timedelta(seconds=1)) == 0
    assert actions.announce_citywide(db, now=closes) == 2
    assert actions.announce_citywide(db, now=closes + timedelta(hours=1)) == 0  # once each
    assert {e["wish_id"] for e in events(db, "wish.opened_citywide")} == {"w1", "w2"}


def test_an_urgent_wish_or_a_community_without_a_meeting_day_opens_at_once(make_db):
    db = make_db("matching")
    take_in(db, verified("broken-light", urgent=True))
    take_in(db, verified("pudong-1", community="pudong-gaoqiao"), rule=None)
    assert [wish(db, w).status for w in ("broken-light", "pudong-1")] == ["published"] * 2
    assert events(db, "wish.scheduled") == []
    published = {p["wish_id"]: p for p in events(db, "wish.published")}
    assert published["broken-light"]["batch"] is None
    # urgent wishes have their own window (0 by default): the whole city at once
    assert published["broken-light"]["citywide_at"] == NOV_20.astimezone(timezone.utc).isoformat()


def test_a_second_delivery_of_wish_verified_changes_nothing(make_db):
    db = make_db("matching")
    take_in(db, verified("w1"))
    take_in(db, verified("w1", urgent=True))
    assert wish(db, "w1").status == "scheduled" and len(events(db, "wish.scheduled")) == 1


def test_the_job_opens_batch_after_batch_until_none_is_due(make_db):
    db = make_db("matching")
    take_in(db, *[verified(f"w{n}") for n in range(450)], now=datetime.now(CHINA) - timedelta(
        days=40))
    assert actions.open_all_due(db, CONFIG) == 450
    assert len({p["wish_id"] for p in events(db, "wish.published")}) == 450


def test_a_liaison_opens_one_now_holds_another_and_lets_it_go(db_settings, make_db):
    db = make_db("matching")
    take_in(db, verified("now"), verified("held"), verified("other-community", community=
                                                             "chuanhui-zhongzhou"))
    client = create_app(db_settings, db).test_client()
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    waiting = liaison.get("/api/v1/scheduled-wishes").get_json()["items"]
    assert {w["id"] for w in waiting} == {"now", "held"}  # only their own communities
    assert client.get("/api/v1/wishes/now").status_code == 404  # not public before it opens
    opened = liaison.post("/api/v1/wishes/now/publish-now", json={}).get_json()
    assert opened["status"] == "published"
    assert client.get("/api/v1/wishes/now").status_code == 200
    again = liaison.post("/api/v1/wishes/now/publish-now", json={})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "invalid_state"
    assert liaison.post("/api/v1/wishes/held/hold", json={}).get_json()["held"] is True
    assert actions.open_due(db, CONFIG, now=DEC_5_AT_9) == 1  # its batch, without the held one
    assert wish(db, "held").status == "scheduled"
    assert liaison.post("/api/v1/wishes/held/resume", json={}).get_json()["held"] is False
    assert actions.open_due(db, CONFIG, now=DEC_5_AT_9) == 1
    assert wish(db, "held").status == "published"
    assert liaison.post("/api/v1/wishes/other-community/hold", json={}).status_code == 404
    anonymous = client.post("/api/v1/wishes/held/hold", json={})
    assert anonymous.status_code == 401


def test_three_workers_open_a_batch_each_wish_once_and_a_killed_one_loses_nothing(db_settings,
                                                                                   make_db):
    """Three processes scan the same schedule (FOR UPDATE SKIP LOCKED); one is SIGKILLed while it
    is inside a batch: its rows roll back and the others open them."""
    import os
    import signal
    import subprocess
    import sys

    from shared.settings import ROOT
    from tests.helpers import PG_URL

    db = make_db("matching")
    take_in(db, *[verified(f"w{n}") for n in range(600)],
            now=datetime.now(CHINA) - timedelta(days=40))
    env = {**os.environ, "MICROWISH_DATABASE_URL": PG_URL, "MICROWISH_BROKER_URL": "memory://",
           "MICROWISH_MATCHING_DATABASE_SCHEMA": db.schema}
    workers = [subprocess.Popen([sys.executable, "-m", "tests.matching.publishing_worker"],
                                env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
               for _ in range(3)]
    assert workers[0].stdout.readline().strip() == "started"
    workers[0].send_signal(signal.SIGKILL)
    assert [w.wait(120) for w in workers] == [-signal.SIGKILL, 0, 0]
    opened = events(db, "wish.published")
    assert len(opened) == 600 and len({p["wish_id"] for p in opened}) == 600
    with db.engine.connect() as conn:
        assert conn.scalar(select(Wish.id).where(Wish.status == "scheduled")) is None


def test_the_community_copy_decides_scheduled_or_at_once(db_settings, make_db):
    """Through handlers(): 文明社区 meets on the first Saturday, 高桥镇社区 has no meeting day, and
    a community nobody announced publishes at once rather than wait for a day nobody set."""
    from services.matching.app import handlers
    from shared.envelope import delivered, make_event

    db = make_db("matching")
    by_queue = {h.queue.name: h for h in handlers(db_settings, CONFIG)}
    profiles = [("chuanhui-wenming", "文明社区", {"nth": 1, "weekday": 6}),
                ("pudong-gaoqiao", "高桥镇社区", None)]
    with db.uow() as uow:
        for code, name, meeting_day in profiles:
            by_queue["matching.communities"].apply(uow, delivered(make_event(
                "community.registered", {"code": code, "name": name, "street": "街道",
                                         "district": code.split("-")[0], "district_name": "区",
                                         "meeting_day": meeting_day}, "intake")))
        uow.commit()
    with db.uow() as uow:
        for wish_id, community in (("w-chuanhui", "chuanhui-wenming"),
                                   ("w-pudong", "pudong-gaoqiao"), ("w-new", "pudong-new")):
            body = {**verified(wish_id, community=community).__dict__}
            by_queue["matching.wish-verified"].apply(uow, delivered(make_event(
                "wish.verified", body, "verification")))
        uow.commit()
    assert [wish(db, w).status for w in ("w-chuanhui", "w-pudong", "w-new")] == [
        "scheduled", "published", "published"]
