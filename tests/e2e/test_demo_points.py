"""The demo's year so far against the all-in-one: 张建国's deeds, priced by 川汇's rule through
scoring's own handlers, cross 20 and 30 points and draft his letter and star; 浦东's members have
fewer; one correction with its reason; the dashboard counts the deeds; played once however
often the platform starts."""
from __future__ import annotations

import logging
from decimal import Decimal

from sqlalchemy import func, select
from werkzeug.test import Client

from services import demo, demo_points
from services.scoring.models import Honour, LedgerEntry, Member
from services.scoring.stats.models import WishFact
from shared.clock import today_in_china
from tests.actors import Actor


def test_the_demo_fills_the_points_cards_up_to_the_honours_once(platform, caplog):
    caplog.set_level(logging.INFO)
    assert demo_points.enabled(demo.SETTINGS) and not demo_points.enabled({})
    demo.seed(platform.dbs["intake"], platform.settings)
    written = demo_points.run_when_ready(platform.dbs, platform.settings, wait_seconds=60)
    assert written == len(demo_points.DEEDS) + 1, caplog.text
    year = today_in_china().year
    client = Client(platform.wsgi)
    member = Actor.log_in(client, "member")
    with platform.dbs["scoring"].uow() as uow:
        totals = dict(uow.session.execute(
            select(Member.display_name, func.sum(LedgerEntry.points))
            .join(Member, Member.id == LedgerEntry.member_id).group_by(Member.display_name)).all())
        honours = [(h.member_id, h.year, h.level, h.status, h.community_code)
                   for h in uow.session.scalars(select(Honour).order_by(Honour.id))]
        correction = uow.session.scalar(select(LedgerEntry).where(LedgerEntry.reverses.is_not(None)))
        facts = uow.session.scalar(select(func.count()).select_from(WishFact).where(
            WishFact.confirmed_at.is_not(None)))
        assert all(today_in_china(e.at).year == year
                   for e in uow.session.scalars(select(LedgerEntry)))
        note = correction.note
    assert totals["张建国"] == Decimal(33)
    assert all(v < 20 for name, v in totals.items() if name != "张建国") and len(totals) == 4
    assert honours == [(member.id, year, "letter", "drafted", "chuanhui-wenming"),
                       (member.id, year, "star", "drafted", "chuanhui-wenming")]
    assert note == demo_points.REASON and facts == len(demo_points.DEEDS)
    card = member.get(f"/api/v1/points/{member.id}").json
    assert card["years"] == [{"year": year, "points": "33.00"}]
    board = client.get("/api/v1/leaderboards").json["items"]
    assert board[0]["name"] == "张**" and board[0]["points"] == "33.00"
    # a restart plays nothing again
    assert demo_points.run_when_ready(platform.dbs, platform.settings, wait_seconds=10) is None
    with platform.dbs["scoring"].uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(LedgerEntry)) == written
