"""认领跟踪, the liaison's page: their communities' overdue, due-soon and reported claims, the
releases they may undo and the wishes nobody took; confirm, dispute and reinstate from it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from services.matching.models import Claim
from shared.clock import today_in_china
from shared.envelope import utcnow
from tests.factories import COMMUNITY, published_wish
from tests.helpers import add, principal

LIAISON = principal("liaison", id="l-1", name="文明社区联络员", communities=[COMMUNITY])


@pytest.fixture
def db(make_db):
    return make_db("matching")


def _claim(wish_id: str, status: str, due_in_days: int, wish_status: str | None = None):
    today = today_in_china()
    return (published_wish(wish_id, title=f"心愿{wish_id}", status=wish_status or (
                "published" if status == "released" else status),
                           claim_id=None if status == "released" else f"c-{wish_id}"),
            Claim(id=f"c-{wish_id}", wish_id=wish_id, member_id="m-1", status=status,
                  claimed_at=utcnow(), due_on=today + timedelta(days=due_in_days), members=[],
                  team=False, note="已送到" if status == "fulfilled" else None))


def test_the_liaison_follows_and_settles_their_communities_claims(db, browser_of):
    rows = [_claim("late", "claimed", -2), _claim("soon", "claimed", 1),
            _claim("later", "claimed", 9), _claim("done", "fulfilled", 3),
            _claim("doubtful", "fulfilled", 3), _claim("undo", "released", 5)]
    add(db, *[w for w, _c in rows], published_wish("alone", escalated_at=utcnow()),
        published_wish("far", community_code="pudong-gaoqiao", escalated_at=utcnow()))
    add(db, *[c for _w, c in rows])
    liaison = browser_of(LIAISON)
    page = liaison.get("/tracking").text
    for heading in ("已超期（1）", "即将到期（1）", "待确认完成（2）", "已取消、心愿仍在墙上（1）",
                    "已上报、无人认领（1）"):
        assert heading in page, heading
    assert 'data-wish-id="late"' in page and 'data-wish-id="later"' not in page  # not due yet
    assert 'data-wish-id="far"' not in page  # another community's

    assert liaison.form("/tracking/claims/c-done/confirm", "/tracking").status_code == 303
    refused = liaison.form("/tracking/claims/c-doubtful/dispute", "/tracking", reason=" ")
    assert refused.status_code == 422 and "请写明" in refused.text
    assert liaison.form("/tracking/claims/c-doubtful/dispute", "/tracking",
                        reason="老人说还没收到").status_code == 303
    assert liaison.form("/tracking/claims/c-undo/reinstate", "/tracking").status_code == 303
    with db.uow() as uow:
        states = dict(uow.session.execute(select(Claim.id, Claim.status)).all())
    assert (states["c-done"], states["c-doubtful"], states["c-undo"]) == (
        "confirmed", "claimed", "claimed")
    other = browser_of(principal("liaison", communities=["pudong-gaoqiao"]))
    assert other.form("/tracking/claims/c-late/confirm", "/tracking").status_code == 404
    member = browser_of(principal("member", id="m-1"))
    assert member.get("/tracking").headers["Location"].startswith("/login")


def _member(member_id: str, name: str, kind: str = "person"):
    from services.matching.models import Member

    return Member(id=member_id, kind=kind, display_name=name, party_member=True, unit_code=None,
                  community_code=COMMUNITY, skills=[], available_times=[], as_of=utcnow())


def test_the_liaison_sees_the_deed_s_photos_reassigns_and_replies(db, browser_of):
    from services.matching.channel import actions as channel, rules as channel_rules
    from services.matching.models import ClaimMessage, ProofPhoto
    from shared.pii import Sealer
    from shared.settings import from_env

    rows = [_claim("late", "claimed", -2), _claim("done", "fulfilled", 3)]
    add(db, *[w for w, _c in rows], _member("m-1", "李明"), _member("m-2", "王芳"),
        _member("org-1", "高桥财务党支部", kind="organisation"))
    add(db, *[c for _w, c in rows])
    add(db, ProofPhoto(id="p-1", claim_id="c-done", content_type="image/png", size=8,
                       sha256="0" * 64, data_sealed="x", created_at=utcnow()))
    with db.uow() as uow:
        channel.post(uow, Sealer(from_env({}).pii_keys), uow.session.get(Claim, "c-late"), "m-1",
                     channel_rules.CLAIMER, "老人电话13812341234打不通")
        uow.commit()
    liaison = browser_of(LIAISON)
    page = liaison.get("/tracking").text
    assert 'href="/api/v1/claims/c-done/photos/p-1"' in page and "照片1" in page
    assert "留言（1）" in page and "认领人：老人电话13812341234打不通" in page
    assert 'action="/tracking/claims/c-late/reassignment"' in page
    assert 'action="/tracking/claims/c-done/reassignment"' not in page  # reported: settle it
    empty = liaison.form("/tracking/claims/c-late/reassignment", "/tracking", to="")
    assert empty.status_code == 422 and "请从名单中选择" in empty.text
    unknown = liaison.form("/tracking/claims/c-late/reassignment", "/tracking", to_id="nobody")
    assert unknown.status_code == 422 and 'role="alert"' in unknown.text
    assert liaison.form("/tracking/claims/c-late/reassignment", "/tracking",
                        to="m-2").status_code == 303
    blank = liaison.form("/tracking/claims/c-late/messages", "/tracking", body=" ")
    assert blank.status_code == 422 and "回复不能为空" in blank.text
    assert liaison.form("/tracking/claims/c-late/messages", "/tracking",
                        body="已换王芳同志去").status_code == 303
    with db.uow() as uow:
        assert uow.session.get(Claim, "c-late").member_id == "m-2"
        sides = [m.side for m in uow.session.scalars(
            select(ClaimMessage).order_by(ClaimMessage.created_at))]
    assert sides == ["claimer", "liaison"]
    assert "联络员：已换王芳同志去" in liaison.get("/tracking").text


def test_the_liaison_assigns_an_escalated_wish_to_a_member_or_an_organisation(db, browser_of):
    from services.matching.models import Assignment

    add(db, published_wish("alone", title="想去公园看看", escalated_at=utcnow()),
        published_wish("gone", title="想请人打扫", status="claimed", escalated_at=utcnow()),
        _member("m-2", "王芳"), _member("org-1", "高桥财务党支部", kind="organisation"))
    liaison = browser_of(LIAISON)
    page = liaison.get("/tracking").text
    assert 'action="/tracking/wishes/alone/assignment"' in page
    assert '<option value="org-1">高桥财务党支部（组织）</option>' in page
    empty = liaison.form("/tracking/wishes/alone/assignment", "/tracking", to="")
    assert empty.status_code == 422 and "请从名单中选择" in empty.text
    unknown = liaison.form("/tracking/wishes/alone/assignment", "/tracking", to_id="nobody")
    assert unknown.status_code == 422 and "该党员或组织尚未登记，不能指派" in unknown.text
    taken = liaison.form("/tracking/wishes/gone/assignment", "/tracking", to="m-2")
    assert taken.status_code == 409 and "不能再指派" in taken.text
    assert liaison.form("/tracking/wishes/alone/assignment", "/tracking",
                        to="org-1").status_code == 303
    assert "已指派给 高桥财务党支部，等待答复" in liaison.get("/tracking").text
    assert liaison.form("/tracking/wishes/alone/assignment", "/tracking",
                        to="m-2").status_code == 303  # again: the first offer withdrawn
    with db.uow() as uow:
        offers = sorted((a.to_member, a.outcome) for a in uow.session.scalars(select(Assignment)))
    assert offers == [("m-2", "offered"), ("org-1", "withdrawn")]
    far = browser_of(principal("liaison", communities=["pudong-gaoqiao"]))
    assert far.form("/tracking/wishes/alone/assignment", "/tracking", to="m-2").status_code == 404
