"""A liaison works the review desk in a phone-sized Chromium window: the rules' doubts and
rejections, the wisher in clear, edit and approve, reopen, ask for information, bulk approval."""
from __future__ import annotations

import pytest
import requests

from tests.actors import Liaison, Remote, log_in_through
from tests.factories import OMIT, submission, wisher
from tests.helpers import person_id, wait_for

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "locale": "zh-CN"}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
NEAR = {"household_size": 2, "household_monthly_income": 2600}  # 1300 a head: just over 1250


def _submit(liaison: Liaison, serial: int, name: str, title: str, description: str,
            community: str = "chuanhui-wenming", **changes) -> str:
    """One wish posted by the liaison with the wisher's consent; its id."""
    # Each serial is a person of their own (one wish per person per round) in a house of their
    # own (a near-identical wish from one household would go to the desk for that alone).
    person = wisher(name=name, id_number=person_id(500 + serial, "19500918"),
                    address=f"河南省周口市川汇区七一路{serial}号院", **changes)
    body = submission(community_code=community, title=title, description=description,
                      estimated_value=150, wisher=person)
    resp = liaison.submit(body)
    assert resp.status_code in (200, 201, 202), resp.text
    return resp.json()["id"]


def _decisions(liaison: Liaison) -> dict[str, str]:
    items = liaison.get("/api/v1/reviews").json()["items"]
    return {r["wish_id"]: r["decision"] for r in items}


def test_liaison_decides_the_rules_doubts_and_rejections_on_a_phone(allinone, browser):
    """Posted wishes reach the desk; edited, approved, reopened, asked and bulk-approved on a phone."""
    base, _published = allinone
    liaison = Liaison.log_in(Remote(base), "liaison")
    clean = _submit(liaison, 1, "陈秀兰", "想要一个血压仪", "患高血压多年，想在家里随时量血压。")
    gift = _submit(liaison, 2, "刘春生", "想要一张购物卡", "过年想买点年货，希望有一张超市购物卡。")
    edited = _submit(liaison, 3, "周桂芳", "想要一台电风扇", "夏天太热，家里没有电风扇。",
                     community="chuanhui-zhongzhou", **NEAR)
    asked = _submit(liaison, 4, "孙玉兰", "想要一床新棉被", "被子用了十几年，冬天盖着不暖和。",
                    household_size=OMIT, household_monthly_income=OMIT)
    bulk = [_submit(liaison, 5, "郑永福", "想要一副老花镜", "眼睛花了，看不清报纸上的字。", **NEAR),
            _submit(liaison, 6, "王淑珍", "想要一个新书桌", "家里的旧书桌坏了，想要一张书桌写字。",
                    community="chuanhui-chenzhou", **NEAR)]
    mine = [clean, gift, edited, asked, *bulk]
    decided = wait_for(lambda: (d := _decisions(liaison)) and all(w in d for w in mine) and d,
                       timeout=30, interval=0.2, what="verification to decide every wish")
    assert [decided[w] for w in mine] == ["verified", "rejected", "pending", "pending",
                                          "pending", "pending"]

    page = browser.new_context(**PHONE).new_page()

    def fits() -> bool:
        return page.evaluate(NO_SIDEWAYS_SCROLL)

    def row(wish_id: str):
        return page.locator(f"article.review-row[data-wish-id='{wish_id}']")

    log_in_through(page, base, "/review")
    assert "审核台" in page.locator("header").inner_text()
    for wish_id in (edited, *bulk):
        assert "家庭人均月收入1300元，本区标准1250元" in row(wish_id).inner_text()
    assert "未填写家庭人口或家庭月收入" in row(asked).inner_text()
    assert row(clean).count() == 0 and row(gift).count() == 0
    assert "周**" in row(edited).inner_text() and "周桂芳" not in page.content()
    assert fits()

    # One wish in full: the wisher in clear; a new category, then approved.
    row(edited).locator("h3 a").tap()
    page.wait_for_url(f"{base}/review/{edited}")
    assert page.locator("section.wisher dd.name").inner_text() == "周桂芳"
    assert "需人工核实" in page.locator("tr[data-rule=income]").inner_text()
    assert page.locator("dd.category").inner_text() == "扶贫帮困"
    assert fits()
    page.select_option("#f-edit-category", "convenience")
    page.locator("#form-edit button").tap()
    page.wait_for_url(f"{base}/review/{edited}?m=edited")
    assert page.locator("dd.category").inner_text() == "便民利民"
    page.fill("#f-approve-note", "已上门核实，家中确无电风扇")
    page.locator("#form-approve button").tap()
    page.wait_for_url(f"{base}/review?m=approved")
    assert "已审核通过" in page.locator(".notice").inner_text()
    assert row(edited).count() == 0

    # The rules' own approval is on record too, with its decision.
    page.locator("nav.tabs a[data-status=verified]").tap()
    page.wait_for_url(f"{base}/review?status=verified")
    assert "审核通过" in row(clean).inner_text()

    # The rules' rejection, readable; reopened, then decided by the liaison.
    page.locator("nav.tabs a[data-status=rejected]").tap()
    page.wait_for_url(f"{base}/review?status=rejected")
    assert "购物卡" in row(gift).inner_text() and "不能是购物卡" in row(gift).inner_text()
    assert fits()
    row(gift).locator("h3 a").tap()
    page.wait_for_url(f"{base}/review/{gift}")
    page.fill("#f-reopen-note", "居民来电说明情况，重新核实")
    page.locator("#form-reopen button").tap()
    page.wait_for_url(f"{base}/review/{gift}?m=reopened")
    assert page.locator("article.wish-full").get_attribute("data-decision") == "pending"
    page.fill("#f-reject-reason", "购物卡不属于微心愿，已与居民沟通改报具体物品")
    page.locator("#form-reject button").tap()
    page.wait_for_url(f"{base}/review?m=rejected")

    # Asking for the missing income: the wish moves to 待补充信息.
    row(asked).locator("h3 a").tap()
    page.wait_for_url(f"{base}/review/{asked}")
    page.locator("#form-request-info label", has_text="家庭月收入").tap()
    page.fill("#f-request-info-message", "请补充家庭人口和月收入")
    page.locator("#form-request-info button").tap()
    page.wait_for_url(f"{base}/review?m=info_requested")
    page.locator("nav.tabs a[data-status=needs_info]").tap()
    page.wait_for_url(f"{base}/review?status=needs_info")
    assert "请补充家庭人口和月收入（请补充：家庭月收入）" in row(asked).inner_text()

    # The remaining waiting wishes, approved together.
    page.locator("nav.tabs a[data-status=pending]").tap()
    page.wait_for_url(f"{base}/review?status=pending")
    for wish_id in bulk:
        row(wish_id).locator("input[name=wish_ids]").check()
    assert fits()
    page.locator("button", has_text="批量通过").tap()
    page.wait_for_url(f"{base}/review?m=bulk_approved&n=2")
    assert "已批量通过 2 个心愿" in page.locator(".notice").inner_text()
    assert all(row(wish_id).count() == 0 for wish_id in bulk)

    # 川汇 publishes on 例会日: the approved wishes wait for it, in the liaison's list, not public
    def waiting() -> set:
        return {w["id"] for w in liaison.get("/api/v1/scheduled-wishes").json()["items"]}
    wait_for(lambda: {clean, edited, *bulk} <= waiting(), timeout=30, interval=0.2,
             what="the approved wishes scheduled for the meeting day")
    for wish_id in (clean, gift):
        assert requests.get(f"{base}/api/v1/wishes/{wish_id}", timeout=10).status_code == 404

    def submission(wish_id: str) -> dict:
        return liaison.get(f"/api/v1/submissions/{wish_id}").json()
    wait_for(lambda: "购物卡不属于微心愿" in str(submission(gift)["history"]), timeout=30,
             interval=0.2, what="intake to hear of the liaison's rejection")
    assert submission(gift)["status"] == "rejected"
    needs = wait_for(lambda: (s := submission(asked))["status"] == "needs_info" and s,
                     timeout=30, interval=0.2, what="intake to hear of the request for information")
    assert "请补充家庭人口和月收入" in needs["info_requested"][0]["message"]
    assert _decisions(liaison)[edited] == "verified"
