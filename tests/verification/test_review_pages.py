"""The review desk's pages on real PostgreSQL: the queue by status, one wish in full (in clear only
for its own liaison, audited), every form action with its event, Chinese errors, CSRF and scope."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from services.verification.models import Review
from shared.clock import today_in_china
from shared.errors import MESSAGES_ZH
from tests.factories import COMMUNITY, NAME, PHONE, STREET
from tests.helpers import audited, csrf_token, emitted, person_id, principal, reread

A, B = COMMUNITY, "chuanhui-zhongzhou"


@pytest.fixture
def liaison():
    return principal("liaison", communities=[A], name="川汇联络员")


def _beside(html: str, action: str, name: str) -> str | None:
    marker = re.escape(f"{action}-{name}")
    found = re.search(rf'id="err-{marker}" role="alert">([^<]*)<', html)
    return found.group(1) if found else None


def _rows(html: str) -> list[str]:
    return re.findall(r'class="panel review-row" data-wish-id="([^"]+)"', html)


def test_anonymous_callers_log_in_first_and_other_roles_are_refused(browser_of, decided):
    """No session: the login form, coming back here; residents and claimers: a Chinese 403 page."""
    wish = decided.near_threshold(1)
    anonymous = browser_of()
    for method, path, back in (("get", "/review", "/review"),
                               ("get", f"/review/{wish}", f"/review/{wish}"),
                               ("post", f"/review/{wish}/approve", f"/review/{wish}")):
        resp = getattr(anonymous, method)(path)
        assert resp.status_code == 303 and resp.headers["Location"] == f"/login?next={back}"
    for role in ("resident", "member", "org_admin"):
        refused = browser_of(principal(role, communities=[A])).get("/review")
        assert refused.status_code == 403 and MESSAGES_ZH["forbidden"] in refused.text
    api_client = browser_of().get("/review", headers={"Accept": "application/json"})
    assert api_client.status_code == 401  # not a browser: the API's JSON answer


def test_queue_shows_own_communities_by_status_with_counts_and_reasons(browser_of, decided,
                                                                      liaison):
    """Pending first, tabs with counts, each row's community, masked wisher, badge and reasons."""
    doubtful = decided.near_threshold(1, urgent=True)
    clean, rejected = decided(2), decided.gift_card(3)
    elsewhere = decided.near_threshold(4, community_code=B)
    client = browser_of(liaison)
    page = client.get("/review")
    html = page.text
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert _rows(html) == [doubtful]
    assert re.search(r'data-status="pending" aria-current="page">\s*待人工审核 <span class="count">1<',
                     html)
    for status, label in (("verified", "审核通过"), ("rejected", "未通过审核"), ("needs_info", "需补充信息")):
        count = "0" if status == "needs_info" else "1"
        assert re.search(rf'data-status="{status}">\s*{label} <span class="count">{count}<', html)
    row = html[html.index(f'data-wish-id="{doubtful}"'):]
    assert "社区 chuanhui-wenming · 许愿人 李** · 医疗保健 · 截止 " in row
    assert '<span class="badge urgent"' in row and "家庭人均月收入1300元，本区标准1250元" in row
    assert f'name="wish_ids" value="{doubtful}"' in html and "批量通过" in html
    assert NAME not in html and PHONE not in html  # the queue is masked, even for the liaison
    rejected_tab = client.get("/review?status=rejected").text
    assert _rows(rejected_tab) == [rejected] and "购物卡" in rejected_tab
    assert "name=\"wish_ids\"" not in rejected_tab  # only waiting wishes are bulk-approved
    assert _rows(client.get("/review?status=verified").text) == [clean]
    assert elsewhere not in client.get("/review").text
    everyone = browser_of(principal("district_admin")).get("/review").text
    assert set(_rows(everyone)) == {doubtful, elsewhere}


def test_a_liaison_of_several_communities_narrows_the_queue_to_one(browser_of, decided):
    """The 社区 filter shows one community's wishes and the tabs keep it; one community, no filter."""
    here, there = decided.near_threshold(1), decided.near_threshold(2, community_code=B)
    both = browser_of(principal("liaison", communities=[A, B]))
    assert set(_rows(both.get("/review").text)) == {here, there}
    narrowed = both.get(f"/review?community={B}").text
    assert _rows(narrowed) == [there] and f'<option value="{B}" selected>' in narrowed
    assert f'href="/review?status=rejected&amp;community={B}"' in narrowed
    assert 'id="f-community"' not in browser_of(principal("liaison", communities=[A])).get("/review").text


def test_liaison_sees_the_wisher_in_clear_and_each_look_is_audited(browser_of, decided, liaison,
                                                                  db):
    """Name, ID number, phone, address, groups and income for its liaison; personal_data.viewed."""
    wish = decided.near_threshold(1)
    page = browser_of(liaison).get(f"/review/{wish}")
    html = page.text
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    for shown in (NAME, person_id(1, "19500918"), PHONE, STREET.format(1), "独居老人", "2 人",
                  "2600 元（人均 1300 元）", "想要一个血压仪", "患高血压多年", "150 元"):
        assert shown in html, shown
    assert re.search(r'<tr class="outcome-review" data-rule="income">\s*<th scope="row">家庭收入</th>'
                     r'\s*<td>需人工核实</td>\s*<td>家庭人均月收入1300元', html)
    assert re.search(r'data-rule="identity">\s*<th scope="row">身份核验</th>\s*<td>通过</td>', html)
    assert "医疗保健" in html and "血压仪" in html  # the categorisation's evidence
    for action in ("approve", "reject", "request-info", "edit"):
        assert f'action="/review/{wish}/{action}"' in html
    assert f'action="/review/{wish}/reopen"' not in html  # only for the rules' rejections
    assert [e["object_id"] for e in emitted(db, "audit.recorded", wish)
            if e["action"] == "personal_data.viewed"] == [wish]
    viewed = next(e for e in emitted(db, "audit.recorded", wish)
                  if e["action"] == "personal_data.viewed")
    assert viewed["actor_id"] == liaison.id and NAME not in json.dumps(viewed, ensure_ascii=False)


def test_admins_see_the_desk_masked_and_read_only(browser_of, decided, db):
    """Street and district admins: masked, no forms, no audited look; other streets get 404."""
    wish = decided.near_threshold(1)
    for admin in (principal("street_admin", communities=[A]), principal("district_admin")):
        client = browser_of(admin)
        queue = client.get("/review").text
        assert _rows(queue) == [wish] and 'name="wish_ids"' not in queue and "批量通过" not in queue
        html = client.get(f"/review/{wish}").text
        assert "李**" in html and "138****1234" in html and "家庭收入" in html
        assert NAME not in html and person_id(1, "19500918") not in html and PHONE not in html
        assert f'action="/review/{wish}/' not in html
        refused = client.post(f"/review/{wish}/approve", data={"csrf_token": csrf_token(html)})
        assert refused.status_code == 403 and MESSAGES_ZH["forbidden"] in refused.text
    assert "personal_data.viewed" not in audited(db, wish)
    other_street = browser_of(principal("street_admin", communities=[B])).get(f"/review/{wish}")
    assert other_street.status_code == 404 and MESSAGES_ZH["not_found"] in other_street.text
    assert reread(db, Review, wish).decision == "pending"


def test_approving_verifies_the_wish_and_announces_it(browser_of, decided, liaison, db):
    """通过 → wish.verified with the wish, the liaison's step in the rules, back to the queue."""
    wish = decided.near_threshold(1)
    client = browser_of(liaison)
    resp = client.desk(f"/review/{wish}/approve", note="已上门核实，收入情况属实")
    assert resp.status_code == 303 and resp.headers["Location"] == "/review?m=approved"
    assert "已审核通过" in client.get(resp.headers["Location"]).text
    review = reread(db, Review, wish)
    assert review.decision == "verified" and review.decided_by == liaison.id
    assert review.rules[-1] == {"rule": "liaison_review", "outcome": "pass", "passed": True,
                                "code": "approved", "reason": "已上门核实，收入情况属实",
                                "by": liaison.id}
    [verified] = emitted(db, "wish.verified", wish)
    assert verified["title"] == "想要一个血压仪" and verified["category"] == "health"
    assert "verification.approved" in audited(db, wish)
    shown = client.get(f"/review/{wish}").text
    assert "人工审核" in shown and f'action="/review/{wish}/approve"' not in shown


def test_rejecting_needs_a_reason_and_then_tells_the_submitter(browser_of, decided, liaison, db):
    """An empty reason is shown beside its field, changing nothing; a reason sends wish.rejected."""
    wish = decided.near_threshold(1)
    client = browser_of(liaison)
    bad = client.desk(f"/review/{wish}/reject", reason="   ")
    assert bad.status_code == 422 and MESSAGES_ZH["validation_failed"] in bad.text
    assert _beside(bad.text, "reject", "reason") == "缺少必填项"
    assert reread(db, Review, wish).decision == "pending" and emitted(db, "wish.rejected", wish) == []
    resp = client.desk(f"/review/{wish}/reject", reason="经核实家中另有退休金收入，超出标准")
    assert resp.status_code == 303 and resp.headers["Location"] == "/review?m=rejected"
    [rejected] = emitted(db, "wish.rejected", wish)
    assert rejected["reasons"] == [{"code": "liaison_rejected",
                                    "message": "经核实家中另有退休金收入，超出标准"}]
    page = client.get("/review?status=rejected").text
    assert _rows(page) == [wish] and "经核实家中另有退休金收入" in page
    assert f'action="/review/{wish}/reopen"' not in client.get(f"/review/{wish}").text


def test_asking_for_information_sends_the_wish_back_with_the_fields(browser_of, decided, liaison,
                                                                   db):
    """要求补充信息 → wish.needs_info naming the ticked fields; the wish moves to 待补充信息."""
    wish = decided.near_threshold(1)
    client = browser_of(liaison)
    bad = client.desk(f"/review/{wish}/request-info", message="",
                fields_needed=["wisher.household_monthly_income"])
    assert bad.status_code == 422 and _beside(bad.text, "request-info", "message") == "缺少必填项"
    assert 'value="wisher.household_monthly_income" checked' in bad.text  # the ticks are kept
    resp = client.desk(f"/review/{wish}/request-info", message="请提供家庭收入证明",
                 fields_needed=["wisher.household_monthly_income", "attachments"])
    assert resp.status_code == 303 and resp.headers["Location"] == "/review?m=info_requested"
    [asked] = emitted(db, "wish.needs_info", wish)
    assert asked["fields_needed"] == ["wisher.household_monthly_income", "attachments"]
    assert asked["reasons"][0]["message"] == "请提供家庭收入证明（请补充：家庭月收入、照片（心愿卡、签字同意卡））"
    page = client.get("/review?status=needs_info").text
    assert _rows(page) == [wish] and "请提供家庭收入证明" in page
    detail = client.get(f"/review/{wish}").text  # waiting for the answer: no second request
    assert f'action="/review/{wish}/edit"' in detail and f'action="/review/{wish}/approve"' in detail
    assert f'action="/review/{wish}/request-info"' not in detail


def test_editing_changes_category_skills_and_deadline_or_says_why_not(browser_of, decided,
                                                                     liaison, db):
    """Only changed inputs are sent; a past or garbled date and no change are refused in Chinese."""
    wish = decided.near_threshold(1)
    client = browser_of(liaison)
    path, page = f"/review/{wish}/edit", f"/review/{wish}"
    current = reread(db, Review, wish)
    unchanged = {"category": current.category, "skills": current.skills,
                 "deadline": current.deadline.isoformat()}
    nothing = client.desk(path, page, **unchanged)
    assert nothing.status_code == 422 and MESSAGES_ZH["nothing_to_change"] in nothing.text
    yesterday = (today_in_china() - timedelta(days=1)).isoformat()
    past = client.desk(path, page, **{**unchanged, "deadline": yesterday})
    assert past.status_code == 422 and _beside(past.text, "edit", "deadline") == "日期不能早于今天"
    assert f'value="{yesterday}"' in past.text  # what was typed stays in the form
    garbled = client.desk(path, page, **{**unchanged, "deadline": "下周五"})
    assert _beside(garbled.text, "edit", "deadline") == "日期格式不正确"
    unknown = client.desk(path, page, **{**unchanged, "category": "shopping"})
    assert _beside(unknown.text, "edit", "category") == MESSAGES_ZH["invalid_choice"]
    due = (today_in_china() + timedelta(days=5)).isoformat()
    resp = client.desk(path, page, category="convenience", skills=["errands", "health_care"],
                 deadline=due)
    assert resp.status_code == 303 and resp.headers["Location"] == f"/review/{wish}?m=edited"
    review = reread(db, Review, wish)
    assert (review.category, review.skills, review.deadline.isoformat()) == (
        "convenience", ["errands", "health_care"], due)
    assert review.decision == "pending" and "verification.edited" in audited(db, wish)
    shown = client.get(resp.headers["Location"]).text
    assert "修改已保存" in shown and '<option value="convenience" selected>' in shown


def test_reopening_an_automatic_rejection_puts_it_back_on_the_desk(browser_of, decided, liaison,
                                                                  db):
    """重新审核 needs a note; the rules' rejection becomes pending and can then be approved."""
    wish = decided.gift_card(1)
    client = browser_of(liaison)
    page = client.get(f"/review/{wish}").text
    assert "未通过原因" in page and "购物卡" in page and f'action="/review/{wish}/approve"' not in page
    bad = client.desk(f"/review/{wish}/reopen", f"/review/{wish}", note="")
    assert bad.status_code == 422 and _beside(bad.text, "reopen", "note") == "缺少必填项"
    resp = client.desk(f"/review/{wish}/reopen", f"/review/{wish}", note="居民已改为想要米面油")
    assert resp.status_code == 303 and resp.headers["Location"] == f"/review/{wish}?m=reopened"
    assert reread(db, Review, wish).decision == "pending" and "verification.reopened" in audited(db, wish)
    reopened = client.get(resp.headers["Location"]).text
    assert "已重新审核" in reopened and f'action="/review/{wish}/approve"' in reopened
    client.desk(f"/review/{wish}/approve", f"/review/{wish}")
    assert reread(db, Review, wish).decision == "verified" and len(emitted(db, "wish.verified", wish)) == 1


def test_an_action_the_state_no_longer_allows_is_refused_on_the_page(browser_of, decided, liaison,
                                                                    db):
    """Approving a wish that is already approved: 409 with the Chinese reason, no second event."""
    wish = decided(1)
    resp = browser_of(liaison).desk(f"/review/{wish}/approve", f"/review/{wish}")
    assert resp.status_code == 409 and MESSAGES_ZH["invalid_state"] in resp.text
    assert "当前审核状态不允许此操作" in resp.text and len(emitted(db, "wish.verified", wish)) == 1


def test_bulk_approval_is_all_or_nothing(browser_of, decided, liaison, db):
    """One wish that cannot be approved refuses the lot, named by title; the rest then pass."""
    first, second = decided.near_threshold(1), decided.near_threshold(2, title="想要一个血糖仪",
                                                                  description="患糖尿病多年，想自己测血糖。")
    done = decided(3, title="想要一个电子血压计")
    assert reread(db, Review, done).decision == "verified"  # the rules approved it already
    client = browser_of(liaison)
    none = client.desk("/review/approve")
    assert none.status_code == 422 and MESSAGES_ZH["none_selected"] in none.text
    mixed = client.desk("/review/approve", wish_ids=[first, done, second])
    assert mixed.status_code == 409 and MESSAGES_ZH["invalid_state"] in mixed.text
    assert "《想要一个电子血压计》：当前状态不允许此操作" in mixed.text
    assert f'value="{first}" checked' in mixed.text  # the ticks survive the refusal
    assert {reread(db, Review, w).decision for w in (first, second)} == {"pending"}
    assert emitted(db, "wish.verified", first) == [] == emitted(db, "wish.verified", second)
    resp = client.desk("/review/approve", wish_ids=[first, second], note="集中入户核实")
    assert resp.status_code == 303 and resp.headers["Location"] == "/review?m=bulk_approved&n=2"
    assert "已批量通过 2 个心愿" in client.get(resp.headers["Location"]).text
    for wish in (first, second):
        assert reread(db, Review, wish).decision == "verified"
        assert len(emitted(db, "wish.verified", wish)) == 1


def test_a_form_without_its_csrf_token_is_refused(browser_of, decided, liaison, db):
    """A cross-site post carries the cookie but not the page's token: 403, nothing changes."""
    wish = decided.near_threshold(1)
    client = browser_of(liaison)
    for path, form in ((f"/review/{wish}/approve", {}), ("/review/approve", {"wish_ids": wish}),
                       (f"/review/{wish}/reject", {"reason": "不符合条件", "csrf_token": "forged"})):
        resp = client.post(path, data=form)
        assert resp.status_code == 403 and MESSAGES_ZH["csrf_failed"] in resp.text
    assert reread(db, Review, wish).decision == "pending" and emitted(db, "wish.verified", wish) == []


def test_another_communitys_wish_looks_absent(browser_of, decided, db):
    """A liaison of another community gets 404 for the page and every form, and sees no data."""
    wish = decided.near_threshold(1)
    client = browser_of(principal("liaison", communities=[B]))
    page = client.get(f"/review/{wish}")
    assert page.status_code == 404 and NAME not in page.text
    token = csrf_token(page.text)
    for action, form in (("approve", {}), ("reject", {"reason": "不符合"}),
                         ("edit", {"category": "legal"})):
        resp = client.post(f"/review/{wish}/{action}", data={"csrf_token": token, **form})
        assert resp.status_code == 404 and MESSAGES_ZH["not_found"] in resp.text
    bulk = client.post("/review/approve", data={"csrf_token": token, "wish_ids": wish})
    assert bulk.status_code == 409 and "想要一个血压仪" not in bulk.text
    assert reread(db, Review, wish).decision == "pending"
    assert "personal_data.viewed" not in audited(db, wish)
