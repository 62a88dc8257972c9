"""The district admin opens the statistics dashboard of the all-in-one in Chromium: the charts
are drawn (with the ECharts the project serves) and a filter changes the figures."""
from __future__ import annotations

import re

import pytest

from tests.actors import Actor, Remote, log_in_through
from tests.helpers import wait_for

pytestmark = pytest.mark.browser
COLLECTED = "[data-figure=collected] dd"


def test_district_admin_draws_the_charts_and_filters_them(allinone, browser):
    base, _published = allinone
    district = Actor.log_in(Remote(base), "district")
    every = lambda: district.get("/api/v1/stats").json()["totals"]["collected"]  # noqa: E731
    # Every demo wish's submission has reached scoring once the count stops short of nothing.
    wait_for(lambda: every() >= 15, timeout=30, interval=0.2, what="the demo wishes counted")
    total = every()
    pudong = district.get("/api/v1/stats", params={"district": "pudong"}).json()["totals"]
    assert 0 < pudong["collected"] < total and pudong["published"] > 0

    # On a phone: the cards and charts in one column, nothing wider than the screen.
    page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                               has_touch=True, locale="zh-CN").new_page()
    log_in_through(page, base, "/stats", "district")
    page.wait_for_selector("[data-chart=by_kind][data-drawn=true] canvas")
    assert page.locator(".chart canvas").count() == 5
    assert page.locator(COLLECTED).inner_text() == str(total)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.select_option("select[name=district]", "pudong")
    page.locator("form.filters button[type=submit]").tap()
    page.wait_for_url(re.compile(r".*/stats\?.*district=pudong"))
    page.wait_for_selector("[data-chart=claimed_by][data-drawn=true] canvas")
    assert page.locator(COLLECTED).inner_text() == str(pudong["collected"])
    assert "district=pudong" in page.locator("a.export").get_attribute("href")
