"""Claiming from the wall in a phone-sized Chromium window: a member filters, claims, loses a race
and claims one of the wishes offered instead; an organisation's admin claims a team wish naming
three of its members. Claim buttons show only where the viewer may claim now."""
from __future__ import annotations

import re

import pytest
import requests

from services import demo
from services.demo import DEMO_PASSWORD
from tests.actors import Claimer, Liaison, Remote, log_in_through
from tests.factories import member, organisation, submission, wisher
from tests.helpers import person_id, wait_for

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
CLAIM = "form button, a.claim"  # a member's claim button, an organisation admin's claim link
HEMING, GAOQIAO = "pudong-hangtou-heming", "pudong-gaoqiao"
ORG = "pudong-finance"  # 浦东财务公司党支部, in 高桥镇
WHEELCHAIR, SICKBED = "需要一部方便出行的轮椅车", "希望有一张医用摇床"  # the demo's 医疗保健 wishes


def _post_wish(liaison: Liaison, serial: int, title: str, description: str, community: str,
               **changes) -> str:
    """One 浦东 wish the liaison posts for a wisher of their own; its id once it is on the wall
    (浦东's online wall takes a verified wish at once, open to the whole city)."""
    person = wisher(name=f"沈{'一二三四五六七八九'[serial]}妹", id_number=person_id(700 + serial),
                    address=f"上海市浦东新区航鹤路{serial}弄{serial}号")
    resp = liaison.submit(submission(community_code=community, title=title,
                                     description=description, wisher=person, **changes))
    assert resp.status_code in (200, 201, 202), resp.text
    wish_id = resp.json()["id"]
    wait_for(lambda: liaison.get(f"/api/v1/wishes/{wish_id}").status_code == 200, timeout=30,
             interval=0.2, what=f"{title} on the wall")
    return wish_id


def _published_now(remote: Remote, title: str) -> str:
    """A 川汇 wish waiting for 例会日, published now by its liaison: for 48 hours only its
    community's members may claim it."""
    liaison = Liaison.log_in(remote, "liaison")
    [wish_id] = [w["id"] for w in liaison.get("/api/v1/scheduled-wishes").json()["items"]
                 if w["title"] == title]
    assert liaison.post(f"/api/v1/wishes/{wish_id}/publish-now", json={}).status_code == 200
    return wish_id


def _register(base: str, n: int, username: str, name: str, community: str,
              unit_code: str | None = None) -> str:
    """A person reports (报到) through intake's public API; their account id."""
    body = member(username=username, password=DEMO_PASSWORD, name=name,
                  phone=f"1391700{n:04d}", community_code=community, unit_code=unit_code)
    resp = requests.post(f"{base}/api/v1/members", json=body, timeout=10)
    assert resp.status_code == 201, resp.text
    return resp.json()["id"]


def _card(page, wish_id: str):
    return page.locator(f"article.wish[data-wish-id='{wish_id}']")


def _titles(page) -> list[str]:
    return page.locator("main article.wish h2").all_inner_texts()


def _on_the_wall(page, base: str, **filters) -> None:
    """The wall, filtered through its form as a thumb would (or unfiltered)."""
    page.goto(f"{base}/", wait_until="domcontentloaded")
    for name, value in filters.items():
        page.select_option(f"form.filters select[name={name}]", value)
    if filters:
        page.locator("form.filters button").tap()
        page.wait_for_url(re.compile(".*" + ".*".join(f"{k}={v}" for k, v in filters.items())))
    assert page.evaluate(NO_SIDEWAYS_SCROLL)


def test_member_filters_claims_loses_a_race_and_claims_an_alternative(allinone, browser):
    base, _published = allinone
    remote = Remote(base)
    liaison = Liaison.log_in(remote, "liaison-pudong")
    monitor = _post_wish(liaison, 1, "想要一个血压仪", "患高血压多年，想在家里随时量血压。", HEMING)
    _post_wish(liaison, 2, "想要一个血糖仪", "糖尿病多年，想在家里测血糖。", GAOQIAO)
    schoolbag = _published_now(remote, "想要一个新书包")
    _register(base, 1, "liming", "李明", "chuanhui-wenming")
    racer = _register(base, 2, "zhaolei", "赵磊", HEMING)

    page = browser.new_context(**PHONE).new_page()
    log_in_through(page, base, "/my/claims", "liming")
    assert "您还没有认领心愿" in page.content()

    # The whole wall: the 中州社区 wish is for its own members yet, so 李明 (文明社区) has no button.
    _on_the_wall(page, base)
    window = _card(page, schoolbag)
    assert "本社区报到党员优先认领" in window.inner_text() and "起全市可认领" in window.inner_text()
    assert window.locator(CLAIM).count() == 0
    assert _card(page, monitor).locator("button", has_text="认领").count() == 1

    # Filtered to 医疗保健: only those, each with its button, and the controls thumb-sized.
    _on_the_wall(page, base, category="health")
    assert sorted(_titles(page)) == sorted([WHEELCHAIR, SICKBED, "想要一个血压仪", "想要一个血糖仪"])
    assert page.locator("p.total").inner_text() == "共 4 个心愿"
    assert all(c == "医疗保健" for c in page.locator("article.wish .category").all_inner_texts())
    assert page.locator("form.filters select[name=category]").input_value() == "health"
    for control in ("select[name=category]", "button"):
        assert page.locator(f"form.filters {control}").bounding_box()["height"] >= 44
    assert page.locator("article.wish button").first.bounding_box()["height"] >= 44
    sickbed = page.locator("article.wish", has_text=SICKBED)
    sickbed.locator("button", has_text="认领").tap()
    page.wait_for_url(f"{base}/my/claims")
    assert SICKBED in page.locator("article.claim").inner_text()

    # Back on the filtered wall; while 李明 reads it, 赵磊 claims the wheelchair on his phone.
    _on_the_wall(page, base, category="health")
    wheelchair = page.locator("article.wish", has_text=WHEELCHAIR)
    wheelchair_id = wheelchair.get_attribute("data-wish-id")
    other = Claimer.log_in(remote, "zhaolei")
    assert other.claim(wheelchair_id).status_code == 201 and other.id == racer
    wheelchair.locator("button", has_text="认领").tap()
    page.wait_for_load_state("domcontentloaded")
    assert "这个心愿刚刚被其他人认领了" in page.locator("p.lost").inner_text()
    offered = page.locator("main.alternatives article.wish")
    assert 1 <= offered.count() <= 3
    assert WHEELCHAIR not in _titles(page) and SICKBED not in _titles(page)
    assert "想要一个血压仪" in _titles(page)  # the same category and the same village
    assert offered.locator("button", has_text="认领").count() == offered.count()
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    _card(page, monitor).locator("button", has_text="认领").tap()
    page.wait_for_url(f"{base}/my/claims")
    assert sorted(page.locator("article.claim h2").all_inner_texts()) == sorted(
        [SICKBED, "想要一个血压仪"])
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    me = Claimer.log_in(remote, "liming")
    mine = me.get("/api/v1/claims").json()["items"]
    assert sorted(c["wish"]["title"] for c in mine) == sorted([SICKBED, "想要一个血压仪"])
    assert all(c["status"] == "claimed" for c in mine)


def test_an_organisation_admin_claims_a_team_wish_naming_three_members(allinone, browser):
    base, _published = allinone
    remote = Remote(base)
    body = organisation(organisation={"code": ORG, "community_code": GAOQIAO},
                        admin={"username": "finance-admin", "password": DEMO_PASSWORD})
    resp = requests.post(f"{base}/api/v1/members/organisations", json=body, timeout=10)
    assert resp.status_code == 201, resp.text
    team = {name: _register(base, n, f"finance-{n}", name, GAOQIAO, unit_code=ORG)
            for n, name in enumerate(["陆建华", "沈玉梅", "顾志强", "朱丽娟"], start=10)}
    _register(base, 20, "outsider", "钱国栋", GAOQIAO, unit_code="zhoukou-power")
    liaison = Liaison.log_in(remote, "liaison-pudong")
    team_wish = _post_wish(liaison, 3, "老人们想学用智能手机", "小区十几位老人想学用手机视频、挂号。",
                           GAOQIAO, kind="spiritual", wish_type="team",
                           team={"name": "高桥镇老年活动室", "size": 12})

    groceries = _published_now(remote, "帮忙买米买面")  # 文昌社区's, for its own members yet

    page = browser.new_context(**PHONE).new_page()
    log_in_through(page, base, "/my/claims", "finance-admin")
    _on_the_wall(page, base)
    assert _card(page, groceries).locator(CLAIM).count() == 0
    assert _card(page, team_wish).locator(CLAIM).count() == 1
    _on_the_wall(page, base, wish_type="team")
    assert sorted(_titles(page)) == sorted(["老人们想学用智能手机", *demo.TEAMS])
    assert "团体心愿" in _card(page, team_wish).inner_text()
    _card(page, team_wish).locator("a.claim", has_text="为组织认领").tap()
    page.wait_for_url(f"{base}/wishes/{team_wish}/claim")

    def offered() -> list[str]:  # matching hears of each registration on the bus
        page.reload(wait_until="domcontentloaded")
        return sorted(page.locator("input[name=members]").evaluate_all(
            "boxes => boxes.map(b => b.value)"))
    wait_for(lambda: offered() == sorted(team.values()), timeout=30, interval=0.3,
             what="the organisation's four members to be offered")
    assert "钱国栋" not in page.content()  # of another unit: not the organisation's to name
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    serving = ["陆建华", "沈玉梅", "朱丽娟"]
    for name in serving:
        page.locator(".choices label", has_text=name).tap()
    page.locator("button.primary", has_text="以组织名义认领").tap()
    page.wait_for_url(f"{base}/my/claims")
    claim = page.locator("article.claim", has_text="老人们想学用智能手机")
    assert "参与服务的党员：" in claim.inner_text()
    assert all(name in claim.locator(".members").inner_text() for name in serving)
    assert "顾志强" not in claim.inner_text()

    admin = Claimer.log_in(remote, "finance-admin")
    [made] = admin.get("/api/v1/claims").json()["items"]
    assert made["wish_id"] == team_wish and made["status"] == "claimed"
    assert sorted(made["members"]) == sorted(team[name] for name in serving)
