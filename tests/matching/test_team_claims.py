"""Group claims (帮帮团) against the real PostgreSQL: never beyond the capacity, join and leave
until fulfilment, credit shares in the events, an organisation claims a team wish whole."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from services.matching.app import create_app
from services.matching.config import Config as MatchingConfig
from services.matching.models import Member, TeamMember, Wish
from shared.envelope import utcnow
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import add, all_at_once, emitted, principal


def _team_wish(wish_id: str, capacity: int = 5, **changes) -> Wish:
    return published_wish(wish_id, wish_type="team", capacity=capacity, **changes)


def _seated(db, claim_id: str) -> list[str]:
    with db.uow() as uow:
        return list(uow.session.scalars(select(TeamMember.member_id).where(
            TeamMember.claim_id == claim_id, TeamMember.left_at.is_(None))
            .order_by(TeamMember.joined_at)))


def test_forty_joiners_at_once_fill_a_group_of_five_and_no_more(db_settings, make_db):
    db = make_db("matching")
    add(db, _team_wish("big-team", capacity=5))
    app = create_app(db_settings, db)

    def join(n: int):
        member = Claimer.signed(app.test_client(), db_settings, id=f"joiner-{n}")
        return lambda: member.claim("big-team")

    answers = all_at_once(40, join)
    assert sorted(a.status_code for a in answers) == [201] * 5 + [409] * 35
    assert len({a.get_json()["id"] for a in answers if a.status_code == 201}) == 1
    claim_id = next(a.get_json()["id"] for a in answers if a.status_code == 201)
    assert len(_seated(db, claim_id)) == 5
    with db.uow() as uow:
        wish = uow.session.get(Wish, "big-team")
        assert (wish.status, wish.places_left) == ("claimed", 0)
    assert len(emitted(db, "wish.claimed")) == 1  # the group formed once


def test_members_join_and_leave_until_fulfilment_and_the_lead_passes_on(db_settings, make_db):
    db = make_db("matching")
    add(db, _team_wish("team", capacity=3))
    client = create_app(db_settings, db).test_client()
    a, b, c, d = (Claimer.signed(client, db_settings, id=m) for m in ("ma", "mb", "mc", "md"))
    formed = a.claim("team")
    assert formed.status_code == 201
    claim_id = formed.get_json()["id"]
    wall = client.get("/api/v1/wishes").get_json()["items"]
    assert [(w["id"], w["places_left"], w["capacity"]) for w in wall] == [("team", 2, 3)]
    assert b.claim("team").status_code == 201 and c.claim("team").status_code == 201
    assert b.claim("team").status_code == 200  # already in: the same claim back
    full = d.claim("team")
    assert full.status_code == 409 and full.get_json()["error"]["code"] == "already_claimed"
    assert client.get("/api/v1/wishes").get_json()["items"] == []  # full: off the wall
    seen = b.get(f"/api/v1/claims/{claim_id}")  # a member sees the claim and who is in it
    assert seen.status_code == 200 and seen.get_json()["team"] == ["ma", "mb", "mc"]
    assert [x["id"] for x in b.get("/api/v1/claims").get_json()["items"]] == [claim_id]

    assert a.leave(claim_id).get_json()["member_id"] == "mb"  # the lead leaves: mb leads
    assert d.claim("team").status_code == 201  # a place came free
    assert _seated(db, claim_id) == ["mb", "mc", "md"]
    assert a.leave(claim_id).status_code == 404  # not in it any more
    for m in (b, c):
        assert m.leave(claim_id).status_code == 200
    released = d.leave(claim_id).get_json()  # the last one out: the wish goes back
    assert released["status"] == "released"
    with db.uow() as uow:
        assert uow.session.get(Wish, "team").status == "published"
    assert [p["claim_id"] for p in emitted(db, "wish.released")] == [claim_id]


def test_a_group_deed_carries_equal_shares_summing_to_one(db_settings, make_db):
    db = make_db("matching")
    add(db, _team_wish("team", capacity=3))
    client = create_app(db_settings, db).test_client()
    members = [Claimer.signed(client, db_settings, id=m) for m in ("m1", "m2", "m3")]
    claim_id = members[0].claim("team").get_json()["id"]
    for m in members[1:]:
        m.claim("team")
    assert members[1].fulfil(claim_id, note="x").status_code == 404  # the lead reports it done
    assert members[0].fulfil(claim_id, note="三人一起修好了路灯").status_code == 200
    assert members[2].leave(claim_id).status_code == 409  # fulfilled: the group is closed
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    assert liaison.confirm(claim_id).status_code == 200
    [claimed] = emitted(db, "wish.claimed")
    assert [s["member_id"] for s in claimed["shares"]] == ["m1"]
    [confirmed] = emitted(db, "wish.confirmed")
    assert [(s["member_id"], s["share"]) for s in confirmed["shares"]] == [
        ("m1", "0.3334"), ("m2", "0.3333"), ("m3", "0.3333")]


def test_an_organisation_claims_a_team_wish_whole_and_no_one_joins_it(db_settings, make_db):
    db = make_db("matching")
    add(db, _team_wish("team", capacity=5),
        *[Member(id=m, kind="person", display_name="党员", party_member=True, skills=[],
                 unit_code=f"unit-{m}", available_times=[], as_of=utcnow())
          for m in ("m1", "m2", "m3")])
    client = create_app(db_settings, db).test_client()
    org = Claimer.signed(client, db_settings, principal("org_admin", id="org-youth", org="youth"))
    claimed = org.post("/api/v1/wishes/team/claims", json={"members": ["m1", "m2", "m3"]})
    assert claimed.status_code == 201
    assert Claimer.signed(client, db_settings, id="m9").claim("team").status_code == 409
    [event] = emitted(db, "wish.claimed")
    assert [(s["member_id"], s["unit_code"]) for s in event["shares"]] == [
        ("m1", "unit-m1"), ("m2", "unit-m2"), ("m3", "unit-m3")]


def test_a_liaison_marks_a_wish_as_needing_several_and_never_below_who_joined(db_settings,
                                                                              make_db):
    db = make_db("matching")
    add(db, published_wish("needs-hands"))
    client = create_app(db_settings, db).test_client()
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    elsewhere = Liaison.signed(client, db_settings, communities=["pudong-gaoqiao"])
    assert elsewhere.post("/api/v1/wishes/needs-hands/capacity",
                          json={"capacity": 3}).status_code == 404
    bad = liaison.post("/api/v1/wishes/needs-hands/capacity", json={"capacity": 0})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"][0]["field"] == "capacity"
    assert liaison.post("/api/v1/wishes/needs-hands/capacity",
                        json={"capacity": 3}).get_json()["capacity"] == 3
    a, b = (Claimer.signed(client, db_settings, id=m) for m in ("ma", "mb"))
    claim_id = a.claim("needs-hands").get_json()["id"]
    b.claim("needs-hands")
    below = liaison.post("/api/v1/wishes/needs-hands/capacity", json={"capacity": 1})
    assert below.status_code == 422
    assert below.get_json()["error"]["fields"][0]["code"] == "below_joined"
    assert liaison.post("/api/v1/wishes/needs-hands/capacity",
                        json={"capacity": 2}).get_json()["places_left"] == 0
    assert _seated(db, claim_id) == ["ma", "mb"]
    assert Claimer.signed(client, db_settings, id="mc").claim("needs-hands").status_code == 409


def test_joiners_from_elsewhere_wait_for_the_community_window(db_settings, make_db):
    db = make_db("matching")
    add(db, _team_wish("team", citywide_at=utcnow() + timedelta(hours=24)),
        Member(id="local", kind="person", display_name="党员", party_member=True, skills=[],
               community_code=COMMUNITY, available_times=[], as_of=utcnow()))
    client = create_app(db_settings, db).test_client()
    assert Claimer.signed(client, db_settings, id="local").claim("team").status_code == 201
    outsider = Claimer.signed(client, db_settings, id="outsider").claim("team")
    assert outsider.status_code == 403 and outsider.get_json()["error"]["code"] == "community_window"


def test_thirty_taps_in_one_round_make_only_the_rounds_allowance(db_settings, make_db):
    """Two claims per round: thirty concurrent claims of one batch's wishes make two; a wish of
    another round may still be claimed."""
    db = make_db("matching")
    add(db, *[published_wish(f"r{n}", batch=f"{COMMUNITY}:2026-12-05") for n in range(30)],
        published_wish("next-round", batch=f"{COMMUNITY}:2027-01-02"))
    app = create_app(db_settings, db, MatchingConfig(claims_per_hour=1000, open_claims=100,
                                                     claims_per_round=2))

    def claim(n: int):
        member = Claimer.signed(app.test_client(), db_settings, id="eager")
        return lambda: member.claim(f"r{n}")

    answers = all_at_once(30, claim)
    assert sorted(a.status_code for a in answers) == [201] * 2 + [409] * 28
    assert {a.get_json()["error"]["code"] for a in answers if a.status_code == 409} == {
        "round_quota"}
    member = Claimer.signed(app.test_client(), db_settings, id="eager")
    assert member.claim("next-round").status_code == 201
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(db.outbox)
                           .where(db.outbox.c.type == "wish.claimed")) == 3
