"""A claim's due date, giving a claim up with a reason, and a liaison undoing a release made by
mistake, against the real PostgreSQL."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.claims import rules
from services.matching.models import Claim, Wish
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import CJK, add, all_at_once


def _events(db, type_: str) -> list[dict]:
    with db.engine.connect() as conn:
        bodies = conn.scalars(select(db.outbox.c.body).where(db.outbox.c.type == type_)
                              .order_by(db.outbox.c.created_at))
        return [json.loads(body)["payload"] for body in bodies]


def _error(response) -> dict:
    return response.get_json()["error"]


def test_a_claim_is_due_by_its_wish_s_deadline_else_the_configured_days_in_china_time():
    late_evening_utc = datetime(2026, 12, 1, 17, 30, tzinfo=timezone.utc)  # 01:30 on the 2nd
    assert rules.due_on(None, late_evening_utc, 14) == date(2026, 12, 16)
    assert rules.due_on(date(2026, 12, 5), late_evening_utc, 14) == date(2026, 12, 5)


def test_the_claimer_and_the_event_see_when_the_claim_is_due(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("with-deadline", deadline=date(2027, 1, 10)),
        published_wish("open-ended"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-due")
    assert member.claim("with-deadline").get_json()["due_on"] == "2027-01-10"
    open_ended = member.claim("open-ended").get_json()
    claimed_on = datetime.fromisoformat(open_ended["claimed_at"])
    assert open_ended["due_on"] == rules.due_on(None, claimed_on, 14).isoformat()
    assert [e["due_on"] for e in _events(db, "wish.claimed")] == [
        "2027-01-10", open_ended["due_on"]]


def test_a_release_says_why_from_the_list_and_other_needs_words(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("given-up"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-busy")
    claim = member.claim("given-up").get_json()
    unknown = member.post(f"/api/v1/claims/{claim['id']}/release", json={"reason": "bored"})
    assert unknown.status_code == 422
    assert _error(unknown)["fields"][0]["field"] == "reason"
    missing = member.post(f"/api/v1/claims/{claim['id']}/release", json={})
    assert missing.status_code == 422 and _error(missing)["fields"][0]["field"] == "reason"
    wordless = member.release(claim["id"], reason="other")
    assert wordless.status_code == 422
    problem = _error(wordless)["fields"][0]
    assert (problem["field"], problem["code"]) == ("note", "required")
    assert CJK.search(problem["message"])
    released = member.release(claim["id"], reason="other", note="单位临时派我出差，联系电话13912345678")
    assert released.status_code == 200, released.get_json()
    body = released.get_json()
    assert body["status"] == "released"
    assert body["release"]["reasons"] == [{"code": "other", "message": "其他原因"}]
    assert body["release"]["by"] == "m-busy"
    [event] = _events(db, "wish.released")
    assert event["reasons"] == [{"code": "other", "message": "其他原因"}]
    assert "13912345678" not in json.dumps(event, ensure_ascii=False)  # the words stay here
    with db.uow() as uow:
        assert uow.session.get(Wish, "given-up").status == "published"


def test_a_liaison_reinstates_a_release_made_by_mistake_while_the_wish_is_open(db_settings,
                                                                            make_db):
    db = make_db("matching")
    add(db, published_wish("mistake"), published_wish("retaken"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-oops")
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    claim = member.claim("mistake").get_json()
    assert member.release(claim["id"], reason="no_time").status_code == 200
    assert member.post(f"/api/v1/claims/{claim['id']}/reinstatement", json={}).status_code == 403
    back = liaison.post(f"/api/v1/claims/{claim['id']}/reinstatement", json={})
    assert back.status_code == 200, back.get_json()
    assert back.get_json()["status"] == "claimed" and back.get_json()["wish"]["status"] == "claimed"
    assert [e["claim_id"] for e in _events(db, "wish.reinstated")] == [claim["id"]]
    again = liaison.post(f"/api/v1/claims/{claim['id']}/reinstatement", json={})
    assert again.status_code == 409 and _error(again)["fields"][0]["code"] == "invalid_state"

    other = member.claim("retaken").get_json()
    assert member.release(other["id"], reason="wisher_declined").status_code == 200
    assert Claimer.signed(client, db_settings, id="m-next").claim("retaken").status_code == 201
    taken = liaison.post(f"/api/v1/claims/{other['id']}/reinstatement", json={})
    assert taken.status_code == 409 and _error(taken)["fields"][0]["code"] == "wish_taken"
    assert CJK.search(_error(taken)["fields"][0]["message"])


def test_a_reinstatement_racing_claimers_leaves_exactly_one_holder(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("contested"))
    app = create_app(db_settings, db)
    first = Claimer.signed(app.test_client(), db_settings, id="m-first")
    claim = first.claim("contested").get_json()
    assert first.release(claim["id"], reason="cannot_do").status_code == 200

    def act(n: int):
        if n == 0:
            liaison = Liaison.signed(app.test_client(), db_settings, communities=[COMMUNITY])
            return lambda: liaison.post(f"/api/v1/claims/{claim['id']}/reinstatement",
                                        json={}).status_code
        member = Claimer.signed(app.test_client(), db_settings, id=f"m-racer-{n}")
        return lambda: member.claim("contested").status_code

    statuses = all_at_once(12, act)
    assert sum(s in (200, 201) for s in statuses) == 1, statuses
    with db.uow() as uow:
        wish = uow.session.get(Wish, "contested")
        holders = uow.session.scalars(select(Claim.id).where(Claim.wish_id == "contested",
                                                             Claim.status == "claimed")).all()
        assert holders == [wish.claim_id]
