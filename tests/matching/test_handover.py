"""Handing a claim on (转交) against the real PostgreSQL: offer, accept, decline, lapse, a group
place handed on, a liaison's reassignment; everyone concerned told."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.config import Config as MatchingConfig
from services.matching.handover import actions
from services.matching.models import Claim, Member, Notice, TeamMember
from shared.envelope import utcnow
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import CJK, add, all_at_once


def _members(*ids: str) -> list[Member]:
    return [Member(id=m, kind="person", display_name=f"党员{m[-1]}", party_member=True,
                   community_code=COMMUNITY, unit_code=f"unit-{m}", skills=[],
                   available_times=[], as_of=utcnow()) for m in ids]


def _told(db, recipient: str) -> list[str]:
    """What the recipient was told of the hand-over (beside their claim being made)."""
    with db.engine.connect() as conn:
        return list(conn.scalars(select(Notice.kind).where(
            Notice.recipient == recipient, Notice.kind.startswith("handover."))
            .order_by(Notice.created_at)))


def _holder(db, claim_id: str) -> tuple[str, str]:
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(Claim.member_id, Claim.unit_code)
                                  .where(Claim.id == claim_id)).one())


def _code(response) -> str:
    return response.get_json()["error"]["fields"][0]["code"]


def _setup(db_settings, make_db, *wishes, config=None):
    db = make_db("matching")
    add(db, *_members("m-a", "m-b", "m-c"), *wishes)
    app = create_app(db_settings, db, config)
    client = app.test_client()
    return db, app, {m: Claimer.signed(client, db_settings, id=m) for m in ("m-a", "m-b", "m-c")}


def test_an_offer_accepted_moves_the_claim_and_both_are_told(db_settings, make_db):
    db, _app, people = _setup(db_settings, make_db, published_wish("gift"))
    a, b = people["m-a"], people["m-b"]
    claim = a.claim("gift").get_json()
    assert a.post(f"/api/v1/claims/{claim['id']}/handover", json={"to": "m-a"}).status_code == 422
    unknown = a.post(f"/api/v1/claims/{claim['id']}/handover", json={"to": "m-nobody"})
    assert unknown.status_code == 422 and _code(unknown) == "unknown_member"
    assert CJK.search(unknown.get_json()["error"]["fields"][0]["message"])
    assert b.post(f"/api/v1/claims/{claim['id']}/handover",
                  json={"to": "m-c"}).status_code == 404  # not b's to offer
    offer = a.post(f"/api/v1/claims/{claim['id']}/handover", json={"to": "m-b"})
    assert offer.status_code == 201, offer.get_json()
    again = a.post(f"/api/v1/claims/{claim['id']}/handover", json={"to": "m-c"})
    assert again.status_code == 409 and _code(again) == "offer_open"
    assert _told(db, "m-b") == ["handover.offered"]
    assert [h["id"] for h in b.get("/api/v1/handovers").get_json()["items"]] == [
        offer.get_json()["id"]]
    hid = offer.get_json()["id"]
    assert people["m-c"].post(f"/api/v1/handovers/{hid}/acceptance", json={}).status_code == 404
    taken = b.post(f"/api/v1/handovers/{hid}/acceptance", json={})
    assert taken.status_code == 200, taken.get_json()
    assert taken.get_json()["member_id"] == "m-b"
    assert _holder(db, claim["id"]) == ("m-b", "unit-m-b")
    assert _told(db, "m-a") == ["handover.accepted"]
    closed = b.post(f"/api/v1/handovers/{hid}/acceptance", json={})
    assert closed.status_code == 409 and _code(closed) == "offer_closed"
    assert a.fulfil(claim["id"]).status_code == 404  # it is b's deed now
    assert b.fulfil(claim["id"]).status_code == 200


def test_a_declined_or_lapsed_offer_leaves_the_claim_with_its_claimer(db_settings, make_db):
    db, _app, people = _setup(db_settings, make_db, published_wish("kept"))
    a, b = people["m-a"], people["m-b"]
    claim = a.claim("kept").get_json()
    first = a.post(f"/api/v1/claims/{claim['id']}/handover", json={"to": "m-b"}).get_json()
    declined = b.post(f"/api/v1/handovers/{first['id']}/declination", json={})
    assert declined.status_code == 200 and declined.get_json()["outcome"] == "declined"
    assert _holder(db, claim["id"])[0] == "m-a" and _told(db, "m-a") == ["handover.declined"]

    second = a.post(f"/api/v1/claims/{claim['id']}/handover", json={"to": "m-c"}).get_json()
    later = utcnow() + timedelta(hours=36, seconds=1)
    assert sum(all_at_once(2, lambda _n: lambda: actions.lapse_due(db, later))) == 1
    assert actions.lapse_due(db, later + timedelta(hours=1)) == 0
    lapsed = people["m-c"].post(f"/api/v1/handovers/{second['id']}/acceptance", json={})
    assert lapsed.status_code == 409
    assert _holder(db, claim["id"])[0] == "m-a"
    assert _told(db, "m-a") == ["handover.declined", "handover.lapsed"]


def test_a_double_tap_on_accept_takes_the_claim_once(db_settings, make_db):
    db, app, people = _setup(db_settings, make_db, published_wish("once"))
    claim = people["m-a"].claim("once").get_json()
    offer = people["m-a"].post(f"/api/v1/claims/{claim['id']}/handover",
                               json={"to": "m-b"}).get_json()

    def tap(_n: int):
        b = Claimer.signed(app.test_client(), db_settings, id="m-b")
        return lambda: b.post(f"/api/v1/handovers/{offer['id']}/acceptance", json={}).status_code

    assert sorted(all_at_once(2, tap)) == [200, 409]
    assert _holder(db, claim["id"])[0] == "m-b"


def test_the_taker_s_own_quota_holds_and_the_offer_waits_for_them(db_settings, make_db):
    config = MatchingConfig(open_claims=1)
    db, _app, people = _setup(db_settings, make_db, published_wish("offered"),
                              published_wish("own"), config=config)
    claim = people["m-a"].claim("offered").get_json()
    assert people["m-b"].claim("own").status_code == 201
    offer = people["m-a"].post(f"/api/v1/claims/{claim['id']}/handover",
                               json={"to": "m-b"}).get_json()
    full = people["m-b"].post(f"/api/v1/handovers/{offer['id']}/acceptance", json={})
    assert full.status_code == 409 and _code(full) == "claim_quota"
    assert people["m-b"].get("/api/v1/handovers").get_json()["items"][0]["outcome"] == "offered"


def test_a_group_member_hands_on_their_place_and_the_lead_with_it(db_settings, make_db):
    db, _app, people = _setup(db_settings, make_db,
                              published_wish("team", wish_type="team", capacity=3))
    claim = people["m-a"].claim("team").get_json()
    assert people["m-c"].claim("team").status_code == 201
    offer = people["m-a"].post(f"/api/v1/claims/{claim['id']}/handover",
                               json={"to": "m-b"}).get_json()
    assert people["m-b"].post(f"/api/v1/handovers/{offer['id']}/acceptance",
                              json={}).status_code == 200
    with db.uow() as uow:
        seated = list(uow.session.scalars(select(TeamMember.member_id).where(
            TeamMember.claim_id == claim["id"], TeamMember.left_at.is_(None))
            .order_by(TeamMember.joined_at)))
    assert seated == ["m-c", "m-b"]
    assert _holder(db, claim["id"])[0] == "m-b"
    taken = people["m-c"].post(f"/api/v1/claims/{claim['id']}/handover", json={"to": "m-b"})
    assert taken.status_code == 422 and _code(taken) == "already_serving"


def test_a_liaison_reassigns_a_claim_at_once_and_its_open_offer_is_withdrawn(db_settings,
                                                                            make_db):
    db, app, people = _setup(db_settings, make_db, published_wish("stuck"))
    client = app.test_client()
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    stranger = Liaison.signed(client, db_settings, communities=["pudong-gaoqiao"])
    claim = people["m-a"].claim("stuck").get_json()
    offer = people["m-a"].post(f"/api/v1/claims/{claim['id']}/handover",
                               json={"to": "m-b"}).get_json()
    path = f"/api/v1/claims/{claim['id']}/reassignment"
    assert stranger.post(path, json={"to": "m-c"}).status_code == 404
    assert people["m-a"].post(path, json={"to": "m-c"}).status_code == 403
    moved = liaison.post(path, json={"to": "m-c"})
    assert moved.status_code == 200, moved.get_json()
    assert _holder(db, claim["id"])[0] == "m-c"
    assert _told(db, "m-c") == ["handover.reassigned_to"]
    assert _told(db, "m-a") == ["handover.reassigned_from"]
    withdrawn = people["m-b"].post(f"/api/v1/handovers/{offer['id']}/acceptance", json={})
    assert withdrawn.status_code == 409 and _code(withdrawn) == "offer_closed"
