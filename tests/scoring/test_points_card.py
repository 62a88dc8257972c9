"""The points card page (积分卡) against the real PostgreSQL: a member's every entry with the
wish's title and community, corrections shown as such with their reason, each China year's
total, this year's honours with their letters; only the member's own; the leaderboard switch."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

import pytest

from services.scoring.card.rules import Entry, card, signed
from shared.clock import CHINA, today_in_china
from shared.envelope import make_event
from tests.factories import COMMUNITY
from tests.helpers import principal
from tests.scoring.honour_steps import (DISTRICT, LIAISON, STREET, as_, award_ids, deliver,
                                        honour_id, setup, step)

YEAR = today_in_china().year
ME = principal("member", id="m-1", name="张建国")
TITLES = ["想要一个血压仪", "帮忙买米买面", "希望有人陪我聊聊天", "想要一个新书包"]


@pytest.fixture
def db(make_db):
    return make_db("scoring")


def deed(n: int, at: datetime, title: str, member_id: str = "m-1"):
    return replace(make_event("wish.confirmed", {
        "wish_id": f"w-{n}", "claim_id": f"c-{n}", "member_id": member_id,
        "community_code": COMMUNITY, "unit_code": "zhoukou-power", "shares": [],
        "title": title}, "matching"), occurred_at=at)


@pytest.fixture
def history(db, db_settings, app):
    """Last year one deed; this year four (10 points each), one corrected away: 30 points, the
    letter issued, the star drafted."""
    client = app.test_client()
    setup(db, db_settings, client)
    deliver(db, db_settings, "scoring.wish-confirmed",
            deed(0, datetime(YEAR - 1, 12, 31, 23, 30, tzinfo=CHINA), "想要一套棉衣棉裤"),
            *[deed(n, datetime(YEAR, 1, 1 + n, 10, tzinfo=CHINA), t)
              for n, t in enumerate(TITLES, start=1)])
    corrected = award_ids(db)[2]
    resp = client.post(f"/api/v1/ledger/{corrected}/reversal", json={"reason": "心愿人反映未完成"},
                       headers=as_(db_settings, DISTRICT))
    assert resp.status_code == 201, resp.get_json()
    letter = honour_id(db, "letter")
    for who, name in ((LIAISON, "review"), (STREET, "issue")):
        assert step(client, db_settings, who, letter, name).status_code == 200
    return {"letter": letter, "star": honour_id(db, "star"), "corrected": corrected}


def test_the_card_lists_every_entry_each_years_total_and_this_years_honours(
        browser_of, history):
    resp = browser_of(ME).get("/my/points")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert '<a href="/my/points">积分卡</a>' in html  # the header's link for claimers
    this_year = html[html.index(f'data-year="{YEAR}"'):]
    assert re.search(r'class="total" data-total="30\.00">30 分', html)
    for title in TITLES + ["想要一套棉衣棉裤"]:
        assert title in html
    assert html.count("文明社区") >= 6  # every line says where the deed was done
    # the correction: its own line, marked, negative, with its reason and the deed's date
    assert html.count('class="entry correction"') == 1 and '<span class="badge">更正</span>' in html
    assert f"冲正1月{1 + 2}日的积分，原因：心愿人反映未完成" in html
    assert "−10" in html and "+10" in html
    # each year's total: this year 30, last year's deed (23:30 on 31 December in 周口) 10
    assert f'<h3>{YEAR}年</h3><span class="year-total">合计 30 分' in html
    assert f'<h3>{YEAR - 1}年</h3><span class="year-total">合计 10 分' in html
    assert "12月31日" in html
    # this year's honours: the letter with its PDF, the star still on the desk
    assert f'href="/api/v1/honours/{history["letter"]}/letter.pdf"' in this_year
    star = html[html.index(f'data-honour-id="{history["star"]}"'):]
    assert "社区志愿服务之星" in star and "待审核" in star[:200] and "letter.pdf" not in star[:300]
    assert f"〔{YEAR}〕表字第1号" in html


def test_the_card_is_only_ones_own_and_asks_strangers_to_log_in(browser_of, history):
    other = browser_of(principal("member", id="m-2", name="李红梅")).get("/my/points")
    html = other.get_data(as_text=True)
    assert other.status_code == 200 and "还没有积分记录" in html
    assert "想要一个血压仪" not in html and "letter.pdf" not in html
    anonymous = browser_of().get("/my/points")
    assert anonymous.status_code == 303 and anonymous.headers["Location"] == "/login?next=/my/points"
    assert browser_of(principal("liaison", communities=[COMMUNITY])).get("/my/points").status_code == 403
    org = browser_of(principal("org_admin", org="chuanhui-youth")).get("/my/points")
    assert org.status_code == 200 and "还没有积分记录" in org.get_data(as_text=True)


def test_the_card_switches_the_member_off_and_on_the_leaderboard(browser_of, history, app):
    page = browser_of(ME)
    html = page.get("/my/points").get_data(as_text=True)
    assert "您在<a href=\"/leaderboards\">排行榜</a>上显示为“张**”" in html
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    names = lambda: [r["name"] for r in app.test_client().get(  # noqa: E731
        "/api/v1/leaderboards").get_json()["items"]]
    assert names() == ["张**"]
    resp = page.post("/my/points/listing", data={"csrf_token": csrf, "listed": "false"})
    assert resp.status_code == 303 and resp.headers["Location"].startswith("/my/points?m=")
    assert names() == []
    assert "您已选择不在排行榜显示" in page.get("/my/points").get_data(as_text=True)
    bad = page.post("/my/points/listing", data={"csrf_token": csrf, "listed": "maybe"})
    assert bad.status_code == 422 and "请选择是否在排行榜显示" in bad.get_data(as_text=True)
    assert page.post("/my/points/listing", data={"listed": "true"}).status_code == 403  # no CSRF
    page.post("/my/points/listing", data={"csrf_token": csrf, "listed": "true"})
    assert names() == ["张**"]


def test_the_cards_years_count_a_correction_in_its_deeds_year():
    dec = datetime(2026, 12, 31, 23, 30, tzinfo=CHINA)  # 15:30 UTC: still 2026 in 周口
    jan = datetime(2027, 1, 2, 9, tzinfo=CHINA)
    years = card([Entry(1, "想要一个血压仪", "文明社区", Decimal(3), dec),
                  Entry(2, "帮忙买米买面", "中州社区", Decimal(2), jan),
                  Entry(3, "想要一个血压仪", "文明社区", Decimal(-3), jan, reverses=1,
                        note="重复记分")])
    assert [(y.year, y.points, y.deeds) for y in years] == [(2027, 2, 1), (2026, 0, 0)]
    correction = years[1].lines[1]
    assert correction.correction and correction.reason == "重复记分"
    assert correction.corrects_on.isoformat() == "2026-12-31"
    assert [signed(Decimal(p)) for p in ("3.00", "-3.00", "0.50")] == ["+3", "−3", "+0.5"]
