"""The all-in-one default (the local bus and SQLite): demo wishes travel the whole way to points,
and a kill loses none of them."""
from __future__ import annotations

import sqlite3
import time
from collections import Counter
from pathlib import Path

from werkzeug.test import Client

from services import demo
from tests.actors import Actor, Claimer, DistrictAdmin, Liaison
from tests.helpers import wait_for


def test_demo_wish_goes_from_seed_to_points_in_one_process(platform):
    """Logged in as each role, a demo wish goes from the wall to the member's points."""
    assert demo.seed(platform.dbs["intake"], platform.settings) == len(demo.WISHES + demo.DESK)
    assert demo.seed(platform.dbs["intake"], platform.settings) == 0  # seeding twice adds nothing
    client = Client(platform.wsgi)
    member, liaison = Claimer.log_in(client, "member"), Liaison.log_in(client, "liaison")
    # 浦东 has no meeting day: its wishes open once verified; 川汇's wait for 例会日 but the
    # urgent one, and its liaison opens two of them now.
    at_once = [w for w in demo.WISHES if w[0] in demo.PUDONG] + demo.WISHES[:1]
    waiting = wait_for(lambda: len(items := liaison.get("/api/v1/scheduled-wishes").json["items"])
                       == len(demo.WISHES) - len(at_once) and items, what="川汇's wishes waiting")
    assert {w["community_code"] for w in waiting} <= set(demo.CHUANHUI)
    assert all(w["opens_at"] and not w["held"] for w in waiting)
    for w in waiting:
        if w["title"] in ("想要一个血压仪", "帮忙买米买面"):
            assert liaison.post(f"/api/v1/wishes/{w['id']}/publish-now", json={}).status_code == 200
    wall = wait_for(lambda: (items := client.get("/api/v1/wishes").json["items"])
                    and len(items) == len(at_once) + 2 and items, what="demo wishes on the wall")
    assert all("*" in w["wisher"] for w in wall)
    assert {w["community_name"] for w in wall} >= {"鹤鸣村", "高桥镇社区", "文明社区"}
    assert all(w["title"] not in {d[1] for d in demo.DESK} for w in wall)
    sorted_ = {w["title"]: (w["category_label"], w["skill_labels"], bool(w["deadline"])) for w in wall}
    assert sorted_["想要一个血压仪"] == ("医疗保健", [], True)  # as verification sorted it
    assert sorted_["帮忙买米买面"] == ("便民利民", ["代购跑腿"], True)
    assert "医疗保健" in client.get("/").get_data(as_text=True)

    unit, district = Actor.log_in(client, "unit"), DistrictAdmin.log_in(client, "district")
    member_id = member.get("/api/v1/auth/me").json["id"]
    # the urgent one: its window is none, so a member of another community may claim it at once
    wish = next(w for w in wall if w["community_code"].startswith("chuanhui") and w["urgent"])
    assert client.post(f"/api/v1/wishes/{wish['id']}/claims", json={}).status_code == 401
    claim = member.claim(wish["id"]).json
    member.fulfil(claim["id"], note="已送达")
    confirmed = liaison.confirm(claim["id"])
    assert confirmed.json["status"] == "confirmed"
    wait_for(lambda: member.get(f"/api/v1/points/{member_id}").json["total"] == 1,
             what="a point awarded")
    report = unit.get("/api/v1/reports/unit").json
    assert [(m["member_id"], m["points"], m["deeds"]) for m in report["members"]] == [
        (member_id, 1, 1)]
    wait_for(lambda: liaison.get(f"/api/v1/submissions/{wish['id']}").json["status"]
             == "confirmed", what="intake follows the wish to confirmed")
    review = liaison.get(f"/api/v1/reviews/{wish['id']}").json
    assert review["decision"] == "verified" and review["rules"][0]["rule"] == "identity"
    desk = {r["title"]: r["decision"] for r in liaison.get("/api/v1/reviews").json["items"]
            if r["decision"] != "verified"}
    assert desk == {"过年想要一张超市购物卡": "rejected", "想要一台电动按摩椅": "rejected",
                    "想要一个电暖器": "pending", "家里的灯坏了": "pending"}  # the demo desk's mix
    actions = wait_for(lambda: {a["action"] for a in district.audit(limit=1000).json["items"]} >= {
        "verification.verified", "claim.claimed", "claim.fulfilled", "claim.confirmed",
        "points.awarded"}, what="every decision in the audit trail")
    assert actions


def test_on_the_demo_a_group_and_an_organisation_each_claim_a_team_wish(demo_platform):
    """Two reported members form a 帮帮团 and share the deed's point; the organisation claims
    the other team wish whole and names the members who serve."""
    demo.seed(demo_platform.dbs["intake"], demo_platform.settings)
    client = Client(demo_platform.wsgi)
    liaison = Liaison.log_in(client, "liaison-pudong")
    teams = wait_for(lambda: len(items := [w for w in client.get("/api/v1/wishes").json["items"]
                                           if w["wish_type"] == "team"]) == 2 and items,
                     what="the team wishes on the wall")
    haircut, cleaning = sorted(teams, key=lambda w: w["title"] != "敬老院的老人想理个发")
    li, liu = Claimer.log_in(client, "lihongmei"), Claimer.log_in(client, "liufang")
    claim = li.claim(haircut["id"]).json
    assert liu.claim(haircut["id"]).status_code == 201  # 刘芳 joins 李红梅's group
    [joined] = [w for w in client.get("/api/v1/wishes").json["items"] if w["id"] == haircut["id"]]
    assert (joined["capacity"], joined["places_left"]) == (5, 3)
    members = [Claimer.log_in(client, name).get("/api/v1/auth/me").json["id"]
               for name in ("lihongmei", "wangzhiqiang")]
    org = Claimer.log_in(client, "org")
    whole = org.post(f"/api/v1/wishes/{cleaning['id']}/claims", json={"members": members})
    assert whole.status_code == 201 and whole.json["members"] == members
    li.fulfil(claim["id"], note="两人一起给老人们理了发")
    assert liaison.confirm(claim["id"]).json["status"] == "confirmed"
    liu_id = liu.get("/api/v1/auth/me").json["id"]
    wait_for(lambda: liu.get(f"/api/v1/points/{liu_id}").json["total"] == 0.5,
             what="刘芳's half of the deed's point")


def _events_per_wish(var: Path, service: str, type_: str) -> Counter:
    with sqlite3.connect(var / f"{service}.db") as conn:
        return Counter(row[0] for row in conn.execute(
            "SELECT correlation_id FROM outbox WHERE type = ?", (type_,)))


def test_killed_while_wishes_are_in_flight_it_loses_none_and_applies_none_twice(
        allinone_process, tmp_path):
    """SIGKILL three times while the demo wishes travel; started again, each reaches the wall once."""
    for seconds in (0.3, 0.8, 1.5):
        allinone_process.start()
        allinone_process.wait_serving()
        time.sleep(seconds)  # wishes in flight: the demo seed runs as serving starts
        allinone_process.kill()
    allinone_process.start()
    at_once = len([w for w in demo.WISHES if w[0] in demo.PUDONG]) + 1  # and the urgent one
    wall = wait_for(lambda: len(items := allinone_process.wishes()) == at_once and items,
                    timeout=60, what="every demo wish that opens at once on the wall")
    var = tmp_path / "var"
    scheduled = wait_for(lambda: len(found := _events_per_wish(var, "matching", "wish.scheduled"))
                         == len(demo.WISHES) - at_once and found, what="川汇's wishes scheduled")
    verified = _events_per_wish(var, "verification", "wish.verified")
    published = _events_per_wish(var, "matching", "wish.published")
    assert set(published) == {w["id"] for w in wall} and set(published.values()) == {1}
    assert set(scheduled.values()) == {1} and not set(scheduled) & set(published)
    assert len(set(published) | set(scheduled)) == len(demo.WISHES)  # each taken in once
    assert set(verified.values()) == {1}  # each decided once, however often it was delivered
