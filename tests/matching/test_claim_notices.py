"""Who hears of a claim being made and given up: the claimer (each member joining a group) and
the community's liaisons, once each, in the commit that made or gave up the claim."""
from __future__ import annotations

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.models import Notice
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import add

LIAISONS = f"liaisons:{COMMUNITY}"


def _told(db) -> list[tuple[str, str, dict]]:
    with db.engine.connect() as conn:
        return [tuple(row) for row in conn.execute(
            select(Notice.recipient, Notice.kind, Notice.params).order_by(Notice.created_at))]


def test_the_claimer_hears_when_it_is_due_and_the_liaisons_of_a_new_claim(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("w-1", title="想要一个血压仪"))
    member = Claimer.signed(create_app(db_settings, db).test_client(), db_settings, id="m-1")
    claim = member.claim("w-1").get_json()
    assert member.claim("w-1").status_code == 200  # their own second tap writes nothing more
    told = _told(db)
    assert [(r, k) for r, k, _p in told] == [("m-1", "claim.claimed"),
                                             (LIAISONS, "liaison.claimed")]
    assert told[0][2] == {"title": "想要一个血压仪", "due_on": claim["due_on"]}


def test_a_release_is_told_to_the_other_side_with_its_reason(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("w-own"), published_wish("w-taken"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-1")
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    own, taken = (member.claim(w).get_json()["id"] for w in ("w-own", "w-taken"))
    assert member.release(own, "no_time").status_code == 200
    assert liaison.post(f"/api/v1/claims/{taken}/release",
                        json={"reason": "wisher_declined"}).status_code == 200
    released = [(r, k, p["reason"]) for r, k, p in _told(db) if k.endswith(".released")]
    assert released == [(LIAISONS, "liaison.released", "时间冲突，无法按时完成"),
                        ("m-1", "claim.released", "心愿人不再需要")]


def test_each_member_joining_a_group_hears_and_the_liaisons_once(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("w-team", wish_type="team", capacity=3))
    client = create_app(db_settings, db).test_client()
    for m in ("m-a", "m-b"):
        assert Claimer.signed(client, db_settings, id=m).claim("w-team").status_code == 201
    assert sorted((r, k) for r, k, _p in _told(db)) == [
        (LIAISONS, "liaison.claimed"), ("m-a", "claim.claimed"), ("m-b", "claim.claimed")]
