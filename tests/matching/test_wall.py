"""The wall against the real PostgreSQL: filters, the Chinese keyword search, keyset pages with a
stable order and a total, "I may claim now", and clear errors for bad arguments."""
from __future__ import annotations

from datetime import timedelta

import pytest

from services.matching.app import create_app
from services.matching.models import Community, Member
from shared.envelope import utcnow
from tests.actors import Claimer
from tests.factories import published_wish
from tests.helpers import add

NOW = utcnow()


@pytest.fixture
def wall(db_settings, make_db):
    """25 open wishes over three communities of two districts; one app client."""
    db = make_db("matching")
    add(db, *[Community(code=code, name=name, street=street, district=code.split("-")[0],
                        district_name=district, meeting_day=None, as_of=NOW)
              for code, name, street, district in (
                  ("chuanhui-wenming", "文明社区", "七一路街道", "川汇区"),
                  ("chuanhui-zhongzhou", "中州社区", "人民路街道", "川汇区"),
                  ("pudong-gaoqiao", "高桥镇社区", "高桥镇", "浦东新区"))])
    communities = ["chuanhui-wenming", "chuanhui-zhongzhou", "pudong-gaoqiao"]
    add(db, *[published_wish(
        f"w{n:02d}", community_code=communities[n % 3],
        title="想要一套棉衣棉裤" if n % 5 == 0 else f"心愿{n}",
        description="患高血压多年" if n % 7 == 0 else "天冷了",
        kind="spiritual" if n % 2 else "material", category="health" if n % 4 == 0 else None,
        skills=["electrician"] if n % 6 == 0 else [], urgent=n % 8 == 0,
        wish_type="team" if n == 9 else "individual",
        published_at=NOW - timedelta(minutes=n // 2),  # pairs share an instant: the id breaks ties
        citywide_at=NOW + timedelta(hours=1) if n % 3 == 2 else None) for n in range(25)])
    return create_app(db_settings, db).test_client()


def _ids(resp) -> list[str]:
    assert resp.status_code == 200, resp.get_json()
    return [w["id"] for w in resp.get_json()["items"]]


def test_pages_follow_one_stable_order_and_say_the_total(wall):
    seen, after = [], None
    while True:
        page = wall.get("/api/v1/wishes", query_string={"limit": 7, **({"after": after} if after
                                                                         else {})}).get_json()
        assert page["total"] == 25
        seen += [w["id"] for w in page["items"]]
        after = page["next"]
        if after is None:
            break
    # newest first; the two wishes of one instant in a fixed order (by id, descending)
    assert seen == [f"w{n:02d}" for n in sorted(range(25), key=lambda n: (n // 2, -n))]
    assert len(set(seen)) == 25


@pytest.mark.parametrize("query, expected", [
    ({"district": "pudong"}, {f"w{n:02d}" for n in range(25) if n % 3 == 2}),
    ({"street": "人民路街道"}, {f"w{n:02d}" for n in range(25) if n % 3 == 1}),
    ({"community": "chuanhui-wenming"}, {f"w{n:02d}" for n in range(25) if n % 3 == 0}),
    ({"category": "health"}, {f"w{n:02d}" for n in range(25) if n % 4 == 0}),
    ({"kind": "spiritual"}, {f"w{n:02d}" for n in range(25) if n % 2}),
    ({"wish_type": "team"}, {"w09"}),
    ({"skill": "electrician"}, {f"w{n:02d}" for n in range(25) if n % 6 == 0}),
    ({"urgent": "true"}, {f"w{n:02d}" for n in range(25) if n % 8 == 0}),
    ({"q": "棉衣"}, {f"w{n:02d}" for n in range(25) if n % 5 == 0}),
    ({"q": "血压"}, {f"w{n:02d}" for n in range(25) if n % 7 == 0}),
    ({"q": "100%"}, set()),  # a LIKE wildcard is only a character
    ({"district": "chuanhui", "kind": "material", "q": "棉衣"}, {"w00", "w10"}),
])
def test_each_filter_and_the_keyword_search(wall, query, expected):
    resp = wall.get("/api/v1/wishes", query_string={"limit": 100, **query})
    assert set(_ids(resp)) == expected and resp.get_json()["total"] == len(expected)


def test_i_may_claim_now_keeps_out_what_the_window_still_keeps_from_me(db_settings, wall):
    app = wall.application
    add(app.extensions["microwish.db"], Member(
        id="m-zhongzhou", kind="person", display_name="党员", party_member=True,
        community_code="chuanhui-zhongzhou", skills=[], available_times=[], as_of=NOW))
    member = Claimer.signed(wall, db_settings, id="m-zhongzhou")
    mine = set(_ids(member.get("/api/v1/wishes", query_string={"limit": 100,
                                                               "may_claim": "true"})))
    assert mine == {f"w{n:02d}" for n in range(25) if n % 3 != 2}  # gaoqiao's are windowed
    everything = member.get("/api/v1/wishes", query_string={"limit": 100}).get_json()["items"]
    assert {w["id"] for w in everything if w["may_claim"]} == mine


@pytest.mark.parametrize("query, field, code", [
    ({"limit": "0"}, "limit", "out_of_range"), ({"limit": "101"}, "limit", "out_of_range"),
    ({"kind": "money"}, "kind", "invalid_choice"), ({"urgent": "1"}, "urgent", "invalid_type"),
    ({"after": "not-a-cursor"}, "after", "invalid_cursor"), ({"colour": "red"}, "colour",
                                                              "unknown_field"),
])
def test_bad_arguments_are_refused_with_the_field(wall, query, field, code):
    resp = wall.get("/api/v1/wishes", query_string=query)
    assert resp.status_code == 422
    assert [(f["field"], f["code"]) for f in resp.get_json()["error"]["fields"]] == [(field, code)]


def test_the_page_filters_searches_and_pages_as_the_api_does(wall):
    page = wall.get("/", query_string={"q": "棉衣", "kind": "", "urgent": ""}).get_data(
        as_text=True)
    assert "共 5 个心愿" in page and page.count('class="wish"') == 5  # empty choices: no filter
    first = wall.get("/").get_data(as_text=True)
    assert "共 25 个心愿" in first and first.count('class="wish"') == 20 and "下一页" in first
    bad = wall.get("/", query_string={"kind": "money"})
    assert bad.status_code == 422 and "取值不在允许范围内" in bad.get_data(as_text=True)


def test_for_you_offers_wishes_needing_my_skills_my_community_first(db_settings, wall):
    """An electrician of 中州社区: wishes needing an electrician in 川汇, 中州's (even an older
    one) before 文明's; none from 浦东, none that need nothing of his."""
    db = wall.application.extensions["microwish.db"]
    add(db, Member(id="electrician", kind="person", display_name="电工", party_member=True,
                   community_code="chuanhui-zhongzhou", skills=["electrician"], available_times=[],
                   as_of=NOW),
        published_wish("zz-old", community_code="chuanhui-zhongzhou", skills=["electrician"],
                       published_at=NOW - timedelta(days=1)),
        published_wish("pd-elec", community_code="pudong-gaoqiao", skills=["electrician"]))
    member = Claimer.signed(wall, db_settings, id="electrician")
    offered = _ids(member.get("/api/v1/wishes/for-you"))
    wenming = [f"w{n:02d}" for n in sorted(range(25), key=lambda n: (n % 8 != 0, n // 2, -n))
               if n % 6 == 0]  # they need an electrician, in 文明社区: urgent, then newest first
    assert offered == ["zz-old", *wenming]
    assert wall.get("/api/v1/wishes/for-you").status_code == 401
