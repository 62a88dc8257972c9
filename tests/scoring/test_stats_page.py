"""The dashboard page: street and district admins see the figures, filters and an export link;
anyone else is sent to log in or told no; the charts' scripts come from the project itself."""
from __future__ import annotations

import re

import pytest

from tests.helpers import principal
from tests.scoring.stats_events import CHUANHUI, chuanhui_round, community, deliver


@pytest.fixture
def chuanhui(db, db_settings):
    deliver(db, db_settings, [community(*c) for c in CHUANHUI] + chuanhui_round())


def figure(html: str, name: str) -> str:
    return re.search(rf'data-figure="{name}"><dt>[^<]*</dt>\s*<dd>([^<]*)</dd>', html).group(1)


def test_the_district_admin_sees_the_figures_filters_and_export(browser_of, chuanhui):
    page = browser_of(principal("district_admin"))
    resp = page.get("/stats")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert figure(html, "collected") == "6" and figure(html, "claimed_share") == "66.7%"
    assert '<option value="chuanhui-wenming" >文明社区</option>' in html
    assert '<option value="chuanhui" >川汇区</option>' in html
    assert 'href="/api/v1/stats/export.xlsx?"' in html
    assert '<script src="/stats/static/echarts/echarts.min.js"></script>' in html
    assert 'id="stats-figures"' in html and '<a href="/stats">统计</a>' in html
    narrowed = page.get("/stats?community=chuanhui-zhongzhou&from=2016-11-01&to=").get_data(
        as_text=True)
    assert figure(narrowed, "collected") == "1" and figure(narrowed, "rejected") == "1"
    assert ('href="/api/v1/stats/export.xlsx?from=2016-11-01&amp;community=chuanhui-zhongzhou"'
            in narrowed)


def test_bad_filters_are_said_on_the_page(browser_of, chuanhui):
    resp = browser_of(principal("district_admin")).get("/stats?from=2016-13-01")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert 'role="alert">from：日期格式不正确' in html
    assert figure(html, "collected") == "6"  # the figures as if nothing had been asked


def test_a_street_admin_outside_their_communities_and_others(browser_of, chuanhui):
    street = browser_of(principal("street_admin", communities=["chuanhui-wenming"]))
    html = street.get("/stats").get_data(as_text=True)
    assert figure(html, "collected") == "5"  # 中州社区's wish is not theirs
    assert "中州社区" not in html
    assert street.get("/stats?community=chuanhui-zhongzhou").status_code == 404
    anonymous = browser_of().get("/stats?from=2016-11-01")
    assert anonymous.status_code == 303
    assert anonymous.headers["Location"] == "/login?next=/stats%3Ffrom%3D2016-11-01"
    refused = browser_of(principal("liaison", communities=["chuanhui-wenming"])).get("/stats")
    assert refused.status_code == 403 and "您没有权限进行此操作" in refused.get_data(as_text=True)


def test_echarts_and_its_licence_are_served_from_the_project(browser_of):
    client = browser_of()
    script = client.get("/stats/static/echarts/echarts.min.js")
    assert script.status_code == 200 and script.mimetype in ("text/javascript",
                                                             "application/javascript")
    assert b"Apache" in script.data[:2000]
    assert client.get("/stats/static/echarts/LICENSE").status_code == 200
    assert client.get("/stats/static/stats.js").status_code == 200
    assert client.get("/stats/static/../app.py").status_code == 404
