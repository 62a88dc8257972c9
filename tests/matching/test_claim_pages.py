"""The claim pages against the real PostgreSQL: a lost race offers the 409's alternatives, a double
tap is one claim, the window and bad names are said in Chinese, an organisation's admin is offered
its own members and 我的认领 names them."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.matching.models import Claim, Member
from shared.envelope import utcnow
from tests.factories import published_wish
from tests.helpers import add, csrf_token, principal

MEMBER = principal("member", id="m-li", name="李明")
ADMIN = principal("org_admin", id="org-admin", name="俞红", org="pudong-finance")


@pytest.fixture
def db(make_db):
    return make_db("matching")


def _person(member_id: str, name: str, unit_code: str | None, kind: str = "person") -> Member:
    return Member(id=member_id, kind=kind, display_name=name, party_member=True,
                  unit_code=unit_code, community_code="pudong-gaoqiao", skills=[],
                  available_times=[], as_of=utcnow())


def _key(html: str, wish_id: str) -> str:
    """The idempotency key the claim form of `wish_id`'s card carries."""
    card = re.search(rf'data-wish-id="{wish_id}">.*?</article>', html, re.S).group(0)
    return re.search(r'name="key" value="([^"]+)"', card).group(1)


def _claims(db) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Claim.__table__))


def test_a_lost_race_says_so_and_offers_the_alternatives_with_their_buttons(db, browser_of):
    add(db, published_wish("popular", category="health"),
        published_wish("same-category", category="health", community_code="pudong-gaoqiao",
                       title="想要一个血糖仪"),
        published_wish("unlike", category="culture", community_code="pudong-gaoqiao",
                       title="想去公园看看"))
    fast, slow = browser_of(principal("member", id="m-fast")), browser_of(MEMBER)
    assert fast.form("/wishes/popular/claim", "/").status_code == 303
    lost = slow.form("/wishes/popular/claim", "/")
    html = lost.text
    assert lost.status_code == 409 and "这个心愿刚刚被其他人认领了" in html
    assert 'data-wish-id="same-category"' in html and 'data-wish-id="unlike"' not in html
    assert 'action="/wishes/same-category/claim"' in html
    assert slow.form("/wishes/same-category/claim", "/").headers["Location"] == "/my/claims"
    again = slow.form("/wishes/popular/claim", "/")  # nothing similar left to offer
    assert again.status_code == 409 and "暂时没有相似的心愿" in again.text


def test_a_double_tap_on_one_rendered_form_is_one_claim(db, browser_of):
    add(db, published_wish("tap"))
    page = browser_of(MEMBER)
    html = page.get("/").text
    form = {"csrf_token": csrf_token(html), "key": _key(html, "tap")}
    first, second = (page.post("/wishes/tap/claim", data=form) for _ in range(2))
    assert [first.status_code, second.status_code] == [303, 303]
    assert _claims(db) == 1
    too_long = page.post("/wishes/tap/claim", data={**form, "key": "k" * 201})
    assert too_long.status_code == 422 and "长度不符合要求" in too_long.text


def test_the_window_hides_the_button_and_a_forced_claim_says_from_when(db, browser_of):
    add(db, published_wish("theirs", community_code="chuanhui-zhongzhou",
                           citywide_at=utcnow() + timedelta(hours=47)),
        published_wish("anyones", community_code="pudong-gaoqiao"))
    page = browser_of(MEMBER)  # registered nowhere matching knows: only the city's wishes
    html = page.get("/").text
    assert 'action="/wishes/anyones/claim"' in html and "/wishes/theirs/claim" not in html
    assert "本社区报到党员优先认领" in html
    refused = page.form("/wishes/theirs/claim", "/")
    assert refused.status_code == 403
    assert re.search(r"仅限本社区报到的党员认领，\d+月\d+日 \d\d:\d\d 起全市可认领", refused.text)
    assert 'class="error" role="alert"' in refused.text


def test_an_organisation_admin_is_offered_its_members_and_my_claims_names_them(db, browser_of):
    add(db, published_wish("team", wish_type="team"),
        _person("p-lu", "陆建华", "pudong-finance"), _person("p-shen", "沈玉梅", "pudong-finance"),
        _person("p-gu", "顾志强", "pudong-finance"), _person("p-qian", "钱国栋", "zhoukou-power"),
        _person("org-other", "别的组织", "pudong-finance", kind="organisation"))
    admin = browser_of(ADMIN)
    wall = admin.get("/").text
    assert 'href="/wishes/team/claim"' in wall and 'action="/wishes/team/claim"' not in wall
    pick = admin.get("/wishes/team/claim").text
    assert sorted(re.findall(r'name="members" value="([^"]+)"', pick)) == ["p-gu", "p-lu", "p-shen"]
    assert "钱国栋" not in pick and "别的组织" not in pick
    bad = admin.form("/wishes/team/claim", "/wishes/team/claim", members=["p-lu", "nobody"])
    assert bad.status_code == 422 and "该党员尚未报到登记，不能指定其参与" in bad.text
    assert 'value="p-lu" checked' in bad.text and _claims(db) == 0
    made = admin.form("/wishes/team/claim", "/wishes/team/claim",
                      members=["p-lu", "p-shen", "p-gu"])
    assert made.status_code == 303
    mine = admin.get("/my/claims").text
    assert "参与服务的党员：陆建华、沈玉梅、顾志强" in mine


def test_a_member_names_nobody_and_a_visitor_is_sent_to_log_in(db, browser_of):
    add(db, published_wish("w-1"), _person("p-lu", "陆建华", None))
    member = browser_of(MEMBER)
    pick = member.get("/wishes/w-1/claim").text
    assert 'name="members"' not in pick and "认领这个心愿" in pick
    alone = member.form("/wishes/w-1/claim", "/", members=["p-lu"])
    assert alone.status_code == 422 and "只有组织管理员认领时才能指定参与的党员" in alone.text
    assert member.get("/wishes/nowhere/claim").status_code == 404
    visitor = browser_of().get("/wishes/w-1/claim")
    assert visitor.status_code == 303
    assert visitor.headers["Location"] == "/login?next=/wishes/w-1/claim"
    stale = member.post("/wishes/w-1/claim", data={"csrf_token": "stale"})
    assert stale.status_code == 403 and "页面已失效，请刷新后重试" in stale.text


def test_members_join_a_team_wish_on_the_wall_and_one_leaves_it_from_their_claims(db, browser_of):
    add(db, published_wish("team", wish_type="team", capacity=3, title="敬老院的老人想理个发"),
        _person("m-li", "李明", None), _person("m-wang", "王芳", None))
    li, wang = browser_of(MEMBER), browser_of(principal("member", id="m-wang", name="王芳"))
    assert "帮帮团：3 人一起完成" in li.get("/").text
    assert li.form("/wishes/team/claim", "/").headers["Location"] == "/my/claims"
    wall = wang.get("/").text
    assert "已有 1 人加入，还差 2 人" in wall and "加入帮帮团" in wall
    assert wang.form("/wishes/team/claim", "/").status_code == 303
    mine = wang.get("/my/claims").text
    assert "帮帮团：2 人" in mine and "李明、王芳" in mine and "退出帮帮团" in mine
    claim_id = re.search(r'data-claim-id="([^"]+)"', mine).group(1)
    assert wang.form(f"/my/claims/{claim_id}/leave", "/my/claims").status_code == 303
    assert "您还没有认领心愿" in wang.get("/my/claims").text
    assert "帮帮团：1 人" in li.get("/my/claims").text


def test_my_claims_shows_when_it_is_due_and_gives_it_up_only_with_a_reason(db, browser_of):
    from datetime import date

    add(db, published_wish("coat", title="想要一件冬天的棉衣", deadline=date(2027, 1, 10)),
        published_wish("chat", title="希望有人陪我聊聊天"))
    member = browser_of(MEMBER)
    assert member.form("/wishes/coat/claim", "/").status_code == 303
    assert member.form("/wishes/chat/claim", "/").status_code == 303
    mine = member.get("/my/claims").text
    assert "请在 1月10日 前完成" in mine and "取消认领的原因" in mine and "时间冲突" in mine
    coat = re.search(r'data-claim-id="([^"]+)" data-wish-id="coat"', mine).group(1)
    chat = re.search(r'data-claim-id="([^"]+)" data-wish-id="chat"', mine).group(1)
    refused = member.form(f"/my/claims/{coat}/release", "/my/claims", reason="other")
    assert refused.status_code == 422 and "请写明原因" in refused.text
    given_up = member.form(f"/my/claims/{coat}/release", "/my/claims", reason="no_time")
    assert given_up.status_code == 303
    reported = member.form(f"/my/claims/{chat}/fulfilment", "/my/claims", note="陪老人聊了一下午")
    assert reported.status_code == 303
    with db.uow() as uow:
        states = {c.wish_id: (c.status, c.release_reason, c.note)
                  for c in uow.session.scalars(select(Claim))}
    assert states == {"coat": ("released", "no_time", None),
                      "chat": ("fulfilled", None, "陪老人聊了一下午")}
    other = browser_of(principal("member", id="m-other"))
    assert other.form(f"/my/claims/{chat}/release", "/my/claims",
                      reason="no_time").status_code == 404


def test_my_claims_carries_the_messages_with_the_liaison_masked_and_sends_one(db, browser_of):
    from services.matching.channel import actions as channel, rules as channel_rules
    from shared.pii import Sealer
    from shared.settings import from_env

    add(db, published_wish("lamp", title="想请人修一下楼道的灯"))
    member = browser_of(MEMBER)
    assert member.form("/wishes/lamp/claim", "/").status_code == 303
    with db.uow() as uow:
        c = uow.session.scalars(select(Claim)).one()
        sealer = Sealer(from_env({}).pii_keys)
        channel.post(uow, sealer, c, "l-1", channel_rules.LIAISON, "老人电话13812341234，下午在家")
        uow.commit()
        claim_id = c.id
    mine = member.get("/my/claims").text
    assert "社区联络员：老人电话138****1234，下午在家" in mine and "13812341234" not in mine
    empty = member.form(f"/my/claims/{claim_id}/messages", "/my/claims", body=" ")
    assert empty.status_code == 422 and "留言不能为空" in empty.text
    sent = member.form(f"/my/claims/{claim_id}/messages", "/my/claims", body="好的，下午三点到")
    assert sent.status_code == 303
    assert "我：好的，下午三点到" in member.get("/my/claims").text
    other = browser_of(principal("member", id="m-other"))
    assert other.form(f"/my/claims/{claim_id}/messages", "/my/claims",
                      body="你好").status_code == 404
