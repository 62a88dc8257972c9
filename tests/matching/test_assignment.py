"""Assigning (指派) an escalated wish: the liaison offers it, the assignee accepts (and claims it,
even inside its community window) or declines; against the real PostgreSQL."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.models import Member, Notice, Wish
from shared.envelope import utcnow
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import add, all_at_once, emitted


def _members(*ids: str) -> list[Member]:
    return [Member(id=m, kind="person", display_name="党员", party_member=True,
                   community_code="pudong-gaoqiao", skills=[], available_times=[],
                   as_of=utcnow()) for m in ids]


def _liaisons_told(db) -> list[str]:
    with db.engine.connect() as conn:
        return list(conn.scalars(select(Notice.params).where(
            Notice.recipient == f"liaisons:{COMMUNITY}",
            Notice.kind == "liaison.assignment_answered").order_by(Notice.created_at)))


def test_the_assignee_accepts_and_claims_it_inside_its_window_or_declines(db_settings, make_db):
    db = make_db("matching")
    add(db, *_members("m-b", "m-c"),
        published_wish("lonely", escalated_at=utcnow(), citywide_at=utcnow() + timedelta(days=1)))
    client = create_app(db_settings, db).test_client()
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    stranger = Liaison.signed(client, db_settings, communities=["pudong-gaoqiao"])
    b, c = (Claimer.signed(client, db_settings, id=m) for m in ("m-b", "m-c"))
    path = "/api/v1/wishes/lonely/assignment"
    assert stranger.post(path, json={"to": "m-b"}).status_code == 404
    assert liaison.post(path, json={"to": "m-nobody"}).status_code == 422
    first = liaison.post(path, json={"to": "m-c"}).get_json()
    declined = c.post(f"/api/v1/assignments/{first['id']}/declination", json={})
    assert declined.get_json()["outcome"] == "declined"
    assert [p["answer"] for p in _liaisons_told(db)] == ["没有接受指派"]
    second = liaison.post(path, json={"to": "m-b"})
    assert second.status_code == 201, second.get_json()
    offer = second.get_json()["id"]
    assert [a["id"] for a in b.get("/api/v1/assignments").get_json()["items"]] == [offer]
    assert c.post(f"/api/v1/assignments/{offer}/acceptance", json={}).status_code == 404
    taken = b.post(f"/api/v1/assignments/{offer}/acceptance", json={})
    assert taken.status_code == 201, taken.get_json()
    assert taken.get_json()["member_id"] == "m-b" and taken.get_json()["wish"]["status"] == "claimed"
    assert [e["member_id"] for e in emitted(db, "wish.claimed")] == ["m-b"]
    assert [p["answer"] for p in _liaisons_told(db)] == ["没有接受指派", "接受了指派"]
    again = liaison.post(path, json={"to": "m-c"})
    assert again.status_code == 409  # claimed: nothing to assign


def test_an_accepted_assignment_racing_claimers_leaves_exactly_one_holder(db_settings, make_db):
    db = make_db("matching")
    add(db, *_members("m-b"), published_wish("raced", escalated_at=utcnow()))
    app = create_app(db_settings, db)
    liaison = Liaison.signed(app.test_client(), db_settings, communities=[COMMUNITY])
    offer = liaison.post("/api/v1/wishes/raced/assignment", json={"to": "m-b"}).get_json()

    def act(n: int):
        who = Claimer.signed(app.test_client(), db_settings, id="m-b" if n == 0 else f"m-{n}")
        if n == 0:
            return lambda: who.post(f"/api/v1/assignments/{offer['id']}/acceptance",
                                    json={}).status_code
        return lambda: who.claim("raced").status_code

    statuses = all_at_once(10, act)
    assert statuses.count(201) == 1, statuses
    with db.uow() as uow:
        assert uow.session.get(Wish, "raced").status == "claimed"
    assert len(emitted(db, "wish.claimed")) == 1
