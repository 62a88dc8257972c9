"""Headless Chromium opens the all-in-one's wish wall and sees masked, published wishes."""
from __future__ import annotations

import pytest

FULL_DEMO_NAME = "李景荣"

pytestmark = pytest.mark.browser


def test_wall_shows_published_wishes_with_masked_names(allinone, browser):
    base, items = allinone
    page = browser.new_page()
    page.goto(f"{base}/", wait_until="domcontentloaded")
    assert "微心愿墙" in page.content()
    wish = next(w for w in items if not w["capacity"])  # one claimer's (a team wish is joined)
    card = page.locator("article.wish", has_text=wish["title"]).first
    card.wait_for(state="visible", timeout=10_000)
    assert card.is_visible()
    text = card.inner_text()
    assert "*" in wish["wisher"] and wish["wisher"] in text
    for item in items:  # every published wish is on the wall, its wisher masked
        other = page.locator("article.wish", has_text=item["title"]).first
        assert "*" in item["wisher"] and item["wisher"] in other.inner_text()
    assert FULL_DEMO_NAME not in page.content()


def test_member_logs_in_claims_from_the_wall_and_sees_the_claim(allinone, browser):
    """The web flow with the session cookie and CSRF-protected forms, in a real browser."""
    base, items = allinone
    page = browser.new_page()
    page.goto(f"{base}/", wait_until="domcontentloaded")
    assert page.locator("article.wish button").count() == 0  # anonymous: no claim buttons
    page.click("text=登录")
    page.fill("input[name=username]", "member")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.content()
    page.fill("input[name=username]", "member")
    page.fill("input[name=password]", "demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    assert "张建国" in page.locator("header").inner_text()
    cookie = next(c for c in page.context.cookies() if c["name"] == "mw_session")
    assert cookie["httpOnly"]
    wish = next(w for w in items if not w["capacity"])  # one claimer's (a team wish is joined)
    card = page.locator("article.wish", has_text=wish["title"]).first
    card.locator("button", has_text="认领").click()
    page.wait_for_url(f"{base}/my/claims")
    mine = page.locator("article.claim", has_text=wish["title"]).first
    assert "已认领" in mine.inner_text() and wish["wisher"] in mine.inner_text()
    page.click("header button:has-text('退出')")
    page.wait_for_url(f"{base}/")
    assert "登录" in page.locator("header").inner_text()
    assert not any(c["name"] == "mw_session" for c in page.context.cookies())
