"""The programme's later stages in Chromium on the all-in-one with the demo's year so far: the
street admin reviews 张建国's star (社区志愿服务之星) on the honours desk, the district admin
issues it, its letter comes as a PDF, the dashboard draws; 张建国 opens his points card and sees
his deeds, the year's total and the honour; the leaderboard shows him masked."""
from __future__ import annotations

import re

import pytest

from services import demo_points
from tests.actors import Actor, Remote, log_in_through
from tests.helpers import wait_for

pytestmark = pytest.mark.browser


def _star(district) -> dict | None:
    items = district.get("/api/v1/honours", params={"level": "star"}).json()["items"]
    return next((h for h in items if h["member_name"] == "张建国"), None)


def _desk_step(page, base: str, honour_id: int, step: str) -> None:
    row = page.locator(f"article.honour-row[data-honour-id='{honour_id}']")
    row.locator(f"button[data-step={step}]").click()
    page.wait_for_url(re.compile(r".*/honours\?.*m="))


def test_the_star_is_reviewed_issued_and_shown_on_the_members_card(allinone_process, browser):
    allinone_process.env["MICROWISH_DEMO_POINTS"] = "on"
    allinone_process.start()
    allinone_process.wait_serving()
    base = allinone_process.base
    district = Actor.log_in(Remote(base), "district")
    star = wait_for(lambda: _star(district), timeout=60, interval=0.3,
                    what="张建国's star drafted by the demo's deeds")
    assert star["status"] == "drafted" and star["next_step_by"] == "street_admin"

    # The street admin (办事处党委 reviews the star) on the desk.
    street = browser.new_context(locale="zh-CN", has_touch=True).new_page()
    log_in_through(street, base, "/honours", "street")
    row = street.locator(f"article.honour-row[data-honour-id='{star['id']}']")
    assert "张建国 · 社区志愿服务之星" in row.inner_text() and "待审核" in row.inner_text()
    _desk_step(street, base, star["id"], "review")
    assert "已审核" in street.locator("p.notice").inner_text()

    # The district admin issues it: numbered, dated, its letter a PDF; then the dashboard.
    context = browser.new_context(locale="zh-CN", has_touch=True,
                                  viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    log_in_through(desk, base, "/honours", "district")
    row = desk.locator(f"article.honour-row[data-honour-id='{star['id']}']")
    assert row.get_attribute("data-status") == "reviewed"
    _desk_step(desk, base, star["id"], "issue")
    row = desk.locator(f"article.honour-row[data-honour-id='{star['id']}']")
    assert row.get_attribute("data-status") == "issued"
    assert re.search(r"〔\d{4}〕表字第\d+号", row.inner_text())
    href = row.locator("a[href$='letter.pdf']").get_attribute("href")
    letter = context.request.get(base + href)
    assert letter.ok and letter.headers["content-type"] == "application/pdf"
    assert letter.body().startswith(b"%PDF") and len(letter.body()) > 1000
    desk.goto(f"{base}/stats", wait_until="domcontentloaded")
    desk.wait_for_selector("[data-chart=by_kind][data-drawn=true] canvas")
    assert int(desk.locator("[data-figure=collected] dd").inner_text()) >= len(demo_points.DEEDS)

    # 张建国 on his phone: the card, the year's total and the honour with its letter.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                has_touch=True, locale="zh-CN").new_page()
    phone.goto(base + "/", wait_until="domcontentloaded")
    phone.locator("nav.account a[href='/login']").tap()
    phone.fill("input[name=username]", "member")
    phone.fill("input[name=password]", "demo-2026")
    phone.locator("button[type=submit]").tap()
    phone.wait_for_selector("nav.account a[href='/my/points']")
    phone.locator("nav.account a[href='/my/points']").tap()
    phone.wait_for_url(f"{base}/my/points")
    mine = sum(1 for d in demo_points.DEEDS if d[0] == demo_points.MEMBER)
    assert phone.locator(".entry").count() == mine + 1
    assert phone.locator(".entry.correction .reason").inner_text().endswith(demo_points.REASON)
    assert phone.locator(".summary .total").inner_text() == "33 分"
    honour = phone.locator(f".honour[data-honour-id='{star['id']}']")
    assert "社区志愿服务之星" in honour.inner_text() and "已发文" in honour.inner_text()
    assert honour.locator("a.letter").get_attribute("href") == href
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The public leaderboard: first, masked.
    board = browser.new_context(locale="zh-CN").new_page()
    board.goto(f"{base}/leaderboards", wait_until="domcontentloaded")
    first = board.locator("ol.board li").first
    assert first.locator(".name").inner_text() == "张**" and "33 分" in first.inner_text()
    assert "张建国" not in board.content()
