"""What a confirmed deed earned reaches the claim (points.awarded): kept per member's share, told
to the member, shown on their claim; an organisation's admin hears of its claims' steps."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from services.matching.app import create_app, handlers
from services.matching.claims.points import earned, figure
from services.matching.models import Claim, ClaimPoints, Notice
from services.matching.notices import jobs
from shared.clock import today_in_china
from shared.envelope import delivered, make_event, utcnow
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import add


@pytest.fixture
def db(make_db):
    return make_db("matching")


def award(db, settings, claim_id: str, member_id: str, points: str, total: str) -> None:
    """Deliver points.awarded to the handler matching's composition root reads its queue with."""
    on_awarded = next(h.apply for h in handlers(settings) if h.queue.name == "matching.points")
    with db.uow() as uow:
        on_awarded(uow, delivered(make_event("points.awarded", {
            "member_id": member_id, "claim_id": claim_id, "wish_id": "w-1", "points": points,
            "total": total, "community_code": "chuanhui-wenming", "unit_code": None}, "scoring")))
        uow.commit()


def _notices(db) -> list[tuple[str, str, dict]]:
    with db.uow() as uow:
        return [(n.recipient, n.kind, n.params) for n in uow.session.scalars(
            select(Notice).order_by(Notice.recipient, Notice.created_at))]


def test_each_share_keeps_its_points_and_its_member_is_told(db, db_settings):
    add(db, published_wish("w-1", status="confirmed", claim_id="c-1"))
    add(db, Claim(id="c-1", wish_id="w-1", member_id="m-1", status="confirmed", team=False,
                  claimed_at=utcnow(), members=[]))
    award(db, db_settings, "c-1", "m-1", "0.50", "3.50")
    award(db, db_settings, "c-1", "m-2", "0.50", "1.00")
    award(db, db_settings, "c-1", "m-1", "0.25", "3.75")  # a later award for the same share adds
    award(db, db_settings, "c-unknown", "m-1", "1.00", "4.75")  # a claim this side never had
    with db.uow() as uow:
        assert {r.member_id: str(r.points) for r in uow.session.scalars(
            select(ClaimPoints))} == {"m-1": "0.75", "m-2": "0.50"}
        assert earned(uow, ["c-1", "c-other"], "m-1") == {"c-1": pytest.approx(0.75)}
        assert earned(uow, [], "m-1") == {}
    told = _notices(db)
    assert [(r, k) for r, k, _p in told] == [("m-1", "claim.points")] * 2 + [("m-2", "claim.points")]
    assert told[0][2] == {"title": "想要一个血压仪", "points": "0.5", "total": "3.5"}


def test_points_are_written_as_people_write_them():
    assert [figure(Decimal(v)) for v in ("1.00", "0.50", "0.33", "12", "10.10")] == [
        "1", "0.5", "0.33", "12", "10.1"]


def test_an_organisations_admin_hears_of_its_claims_beside_the_members_it_named(db):
    due = today_in_china() + timedelta(days=1)
    add(db, published_wish("w-org", status="claimed", claim_id="c-org"))
    add(db, Claim(id="c-org", wish_id="w-org", member_id="admin-1", status="claimed",
                  team=False, claimed_at=utcnow(), members=["m-a", "m-b"], due_on=due))
    jobs.remind(db, (3, 1, 0))
    assert sorted(r for r, _k, _p in _notices(db)) == ["admin-1", "m-a", "m-b"]


def test_a_confirmed_claim_shows_what_it_earned_once_scoring_said(db, db_settings):
    add(db, published_wish("w-1"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-1")
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    claim = member.claim("w-1").get_json()
    member.fulfil(claim["id"], note="已送到家")
    assert "points" not in member.get(f"/api/v1/claims/{claim['id']}").get_json()
    assert liaison.confirm(claim["id"]).get_json()["points"] == []  # scoring has not said yet
    award(db, db_settings, claim["id"], "m-1", "1.00", "1.00")
    assert member.get(f"/api/v1/claims/{claim['id']}").get_json()["points"] == [
        {"member_id": "m-1", "points": "1.00"}]
