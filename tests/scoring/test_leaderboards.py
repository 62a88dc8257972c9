"""The year's leaderboards against the real PostgreSQL: members ranked with ties and their names
masked, a member's choice to be left off, units with their active members, communities with
their deeds, the China year (a correction in its deed's), and bad queries told in Chinese."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from services.scoring.leaderboards import config
from services.scoring.leaderboards.rules import (COMMUNITIES, MEMBERS, UNITS, Line, Row, ranked,
                                                 totals)
from shared.clock import CHINA
from shared.envelope import make_event
from tests.factories import COMMUNITY, community_profile, member_profile
from tests.helpers import bearer, principal
from tests.scoring.honour_steps import DISTRICT, as_, award_ids, deliver, setup

ZHONGZHOU = "chuanhui-zhongzhou"
BOARDS = "/api/v1/leaderboards"


@pytest.fixture
def db(make_db):
    return make_db("scoring")


def deed(n: int, member: str, unit: str, community: str, at: datetime):
    return replace(make_event("wish.confirmed", {
        "wish_id": f"w-{n}", "claim_id": f"c-{n}", "member_id": member, "community_code": community,
        "unit_code": unit, "shares": [], "title": "想要一个血压仪"}, "matching"), occurred_at=at)


def on(month: int, day: int, year: int = 2026, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=CHINA)


@pytest.fixture
def client(db, db_settings, app):
    """2026 at 10 points a deed: 张建国 30 and 李红梅 30 (tied), 王志强 10 (a second deed
    corrected away in January 2027), and a deed of 2025."""
    c = app.test_client()
    setup(db, db_settings, c)
    deliver(db, db_settings, "scoring.communities", make_event("community.registered",
            community_profile(code=ZHONGZHOU, name="中州社区"), "intake"))
    for member_id, name, unit, unit_name in (
            ("m-2", "李红梅", "pudong-finance", "浦东财务公司"),
            ("m-3", "王志强", "zhoukou-power", "周口供电公司")):
        deliver(db, db_settings, "scoring.members", make_event("member.registered", member_profile(
            member_id=member_id, display_name=name, unit_code=unit, unit_name=unit_name),
            "intake"))
    deeds = [deed(n, "m-1", "zhoukou-power", COMMUNITY, on(3, n)) for n in (1, 2, 3)]
    deeds += [deed(n, "m-2", "pudong-finance", ZHONGZHOU, on(4, n)) for n in (4, 5)]
    deeds += [deed(6, "m-2", "pudong-finance", COMMUNITY, on(5, 1)),
              deed(7, "m-3", "zhoukou-power", ZHONGZHOU, on(6, 1)),
              deed(8, "m-3", "zhoukou-power", ZHONGZHOU, on(12, 31, hour=23)),
              deed(9, "m-3", "zhoukou-power", ZHONGZHOU, on(6, 1, year=2025))]
    deliver(db, db_settings, "scoring.wish-confirmed", *deeds)
    with db.uow() as uow:  # a correction made in January 2027 of the deed of 31 December
        from services.scoring.ledger import actions
        actions.reverse(uow, award_ids(db)[7], DISTRICT.id, "重复记分", on(1, 3, year=2027))
        uow.commit()
    return c


def test_ranking_shares_a_rank_for_equal_points_and_skips_the_next():
    rows = [Row("a", "张**", Decimal(30), 3), Row("b", "李**", Decimal(30), 3),
            Row("c", "王**", Decimal(10), 1), Row("d", "赵*", Decimal(0), 0)]
    assert [(r.rank, r.row.key) for r in ranked(rows, 10)] == [(1, "a"), (1, "b"), (3, "c")]
    assert [r.row.key for r in ranked(rows, 2)] == ["a", "b"]
    lines = [Line("m-1", "u", "x", "c1", Decimal(5)), Line("m-2", "u", "x", "c2", Decimal(5)),
             Line("m-2", "u", "y", "c3", Decimal(5)), Line("m-2", "u", "y", "c3", Decimal(-5)),
             Line("m-3", None, "y", "c4", Decimal(1))]
    assert totals(lines, UNITS) == {"u": (Decimal(10), 2)}  # no unit: on no unit's line
    assert totals(lines, COMMUNITIES) == {"x": (Decimal(10), 2), "y": (Decimal(1), 1)}
    assert totals(lines, MEMBERS)["m-2"] == (Decimal(5), 1)  # the corrected deed is no deed
    assert config.size({}) == 50 and config.size({"MICROWISH_LEADERBOARD_SIZE": "3"}) == 3
    with pytest.raises(ValueError):
        config.size({"MICROWISH_LEADERBOARD_SIZE": "0"})


def test_the_members_board_masks_names_ranks_ties_and_is_public(client):
    resp = client.get(f"{BOARDS}?year=2026")
    body = resp.get_json()
    assert resp.status_code == 200 and (body["year"], body["board"]) == (2026, "members")
    assert [(r["rank"], r["name"], r["points"], r["deeds"]) for r in body["items"]] == [
        (1, "张**", "30.00", 3), (1, "李**", "30.00", 3), (3, "王**", "10.00", 1)]
    assert all(set(r) == {"rank", "name", "points", "points_text", "deeds"} for r in body["items"])
    text = resp.get_data(as_text=True)
    assert not any(name in text for name in ("张建国", "李红梅", "王志强", "m-1", "zhoukou"))
    last = client.get(f"{BOARDS}?year=2025").get_json()["items"]
    assert [(r["name"], r["points"]) for r in last] == [("王**", "10.00")]


def test_a_member_who_opts_out_is_left_out_not_shown_as_anonymous(client, db_settings):
    me = bearer(db_settings, principal("member", id="m-1"))
    assert client.get("/api/v1/leaderboard/preference", headers=me).get_json() == {"listed": True}
    resp = client.put("/api/v1/leaderboard/preference", json={"listed": False}, headers=me)
    assert resp.status_code == 200 and resp.get_json() == {"listed": False}
    items = client.get(f"{BOARDS}?year=2026").get_json()["items"]
    assert [(r["rank"], r["name"]) for r in items] == [(1, "李**"), (2, "王**")]
    # the unit's and the community's totals still count the member's deeds
    units = client.get(f"{BOARDS}?year=2026&board=units").get_json()["items"]
    assert units[0]["unit_code"] == "zhoukou-power" and units[0]["points"] == "40.00"
    bad = client.put("/api/v1/leaderboard/preference", json={"listed": "no"}, headers=me)
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "listed"
    assert client.put("/api/v1/leaderboard/preference", json={"listed": True}).status_code == 401
    assert client.put("/api/v1/leaderboard/preference", json={"listed": True},
                      headers=as_(db_settings, DISTRICT)).status_code == 403
    client.put("/api/v1/leaderboard/preference", json={"listed": True}, headers=me)
    assert len(client.get(f"{BOARDS}?year=2026").get_json()["items"]) == 3


def test_units_and_communities_boards(client):
    units = client.get(f"{BOARDS}?year=2026&board=units").get_json()["items"]
    assert [(r["rank"], r["unit_name"], r["points"], r["active_members"]) for r in units] == [
        (1, "周口供电公司", "40.00", 2), (2, "浦东财务公司", "30.00", 1)]
    places = client.get(f"{BOARDS}?year=2026&board=communities").get_json()["items"]
    assert [(r["rank"], r["community_name"], r["points"], r["deeds"]) for r in places] == [
        (1, "文明社区", "40.00", 4), (2, "中州社区", "30.00", 3)]


@pytest.mark.parametrize("query, field", [("year=abc", "year"), ("year=1999", "year"),
                                          ("board=people", "board"), ("size=3", "size")])
def test_a_bad_year_or_board_is_refused_with_its_field_in_chinese(client, query, field):
    resp = client.get(f"{BOARDS}?{query}")
    error = resp.get_json()["error"]
    assert resp.status_code == 422 and error["code"] == "validation_failed"
    assert [f["field"] for f in error["fields"]] == [field]
    assert all(f["message"] and not f["message"].isascii() for f in error["fields"])


def test_the_page_shows_the_board_masked_and_says_what_was_wrong(browser_of, client):
    page = browser_of()
    html = page.get("/leaderboards?year=2026").get_data(as_text=True)
    assert "2026年度积分排行榜" in html and "张**" in html and "张建国" not in html
    assert 'data-board="members" aria-current="page"' in html
    units = page.get("/leaderboards?year=2026&board=units").get_data(as_text=True)
    assert "周口供电公司" in units and "2 名党员参与" in units
    bad = page.get("/leaderboards?board=people")
    assert bad.status_code == 422 and "取值不在允许范围内" in bad.get_data(as_text=True)
