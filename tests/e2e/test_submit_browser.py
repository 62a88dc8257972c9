"""A liaison posts a wish from a phone-sized Chromium window and follows it through verification."""
from __future__ import annotations

import re

import pytest

from shared.idnumber import check_char
from tests.actors import log_in_through
from tests.factories import png
from tests.helpers import wait_for

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
TITLE = "想要一台收音机听戏曲"


def test_liaison_posts_a_wish_with_a_photo_from_a_phone(allinone, browser, tmp_path):
    base, _published = allinone
    photo = tmp_path / "card.png"
    photo.write_bytes(png(2400, 1800))  # wider than 1600px: the page scales it to a JPEG
    page = browser.new_context(**PHONE).new_page()
    log_in_through(page, base, "/submit")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert page.locator("button.primary").bounding_box()["height"] >= 44
    assert page.locator(".choices label").first.bounding_box()["height"] >= 44

    page.select_option("select[name=community_code]", "chuanhui-wenming")
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "老人独居，喜欢听豫剧，想要一台收音机。")
    page.locator("label", has_text="物质类").tap()
    page.fill("input[name=estimated_value]", "80")
    page.locator("label", has_text="独居老人").tap()
    page.fill("input[name='wisher.household_size']", "1")
    page.fill("input[name='wisher.household_monthly_income']", "900")
    page.fill("input[name='wisher.name']", "赵德明")
    first17 = "41010219480105003"
    page.fill("input[name='wisher.id_number']", first17 + check_char(first17))
    page.fill("input[name='wisher.phone']", "139 0394 5678")
    page.select_option("select[name='consent.relation']", "self")
    page.select_option("select[name='consent.method']", "in_person")
    page.set_input_files("input[name=photo]", str(photo))
    page.wait_for_selector("#f-photo-note:has-text('照片已压缩为')")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.locator("button.primary").tap()

    page.wait_for_url(re.compile(r".*/my/wishes/[0-9a-f-]{36}\?m=submitted$"))
    summary = page.locator("article.wish-summary")
    assert TITLE in summary.inner_text() and "赵**" in summary.inner_text()
    assert "心愿卡照片（JPEG" in summary.inner_text()  # scaled and re-encoded on the phone
    assert "已受理" in page.locator(".timeline").inner_text()
    assert "赵德明" not in page.content()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    def verified() -> bool:
        page.reload(wait_until="domcontentloaded")
        return "审核通过" in page.locator(".timeline").inner_text()
    wait_for(verified, timeout=30, interval=0.3, what="the wish to be verified")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.goto(f"{base}/my/wishes", wait_until="domcontentloaded")
    assert TITLE in page.locator("a.wish-link").first.inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
