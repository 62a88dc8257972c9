"""The demo unit admin opens their unit's page in Chromium and downloads the half-year report
the district generated through the API."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from shared.clock import today_in_china
from tests.actors import Actor, Remote, log_in_through

pytestmark = pytest.mark.browser


def test_the_unit_admin_downloads_the_half_year_report(allinone, browser):
    base, _published = allinone
    district = Actor.log_in(Remote(base), "district")
    today = today_in_china()
    half = 1 if today.month <= 6 else 2
    made = district.open("/api/v1/reports/feedback", "POST",
                         json={"year": today.year, "half": half, "unit": "zhoukou-power"})
    assert made.status_code == 201, made.text
    [report] = made.json()["items"]

    page = browser.new_context(accept_downloads=True, has_touch=True, locale="zh-CN").new_page()
    log_in_through(page, base, "/feedback", "unit")
    card = page.locator(f"[data-report-id='{report['id']}']")
    assert "周口供电公司" in card.inner_text()
    with page.expect_download() as got:
        card.locator("a.download-pdf").click()
    pdf = got.value.path().read_bytes()
    text = re.sub(r"[\s\x00]+", "", "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "周口供电公司" in text and f"{today.year}年" in text
