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
