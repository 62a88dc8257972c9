"""A deed reported done goes to the liaison to confirm; a dispute sends it back to the claimer
with why, and everyone it concerns is told (against the real PostgreSQL)."""
from __future__ import annotations

import json

from sqlalchemy import select

from services.matching.app import create_app
from services.matching.models import Notice
from services.matching.notices.templates import render
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import CJK, add


def _told(db) -> list[tuple[str, str, str]]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(Notice.recipient, Notice.kind, Notice.params)
                            .order_by(Notice.created_at, Notice.key)).all()
    return [(to, kind, render(kind, params)) for to, kind, params in rows]


def test_a_disputed_deed_goes_back_to_its_claimer_with_the_reason_masked(db_settings, make_db):
    db = make_db("matching")
    add(db, published_wish("lamp", title="想请人修一下楼道的灯"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-fixer")
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    stranger = Liaison.signed(client, db_settings, communities=["pudong-gaoqiao"])
    claim = member.claim("lamp").get_json()
    assert member.fulfil(claim["id"], note="已换好灯泡").status_code == 200
    assert _told(db)[-1][:2] == (f"liaisons:{COMMUNITY}", "liaison.fulfilled")

    assert liaison.dispute(claim["id"], "").status_code == 422
    assert stranger.dispute(claim["id"], "没修好").status_code == 404
    assert member.post(f"/api/v1/claims/{claim['id']}/dispute",
                       json={"reason": "没修好"}).status_code == 403  # not the claimer's to say
    back = liaison.dispute(claim["id"], "灯还是不亮，请联系老人13812341234再上门看看")
    assert back.status_code == 200, back.get_json()
    body = back.get_json()
    assert body["status"] == "claimed" and body["wish"]["status"] == "claimed"
    assert body["dispute"]["reason"] == "灯还是不亮，请联系老人138****1234再上门看看"
    with db.engine.connect() as conn:
        [event] = [json.loads(b)["payload"] for b in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == "wish.disputed"))]
    assert event["reasons"][0]["code"] == "not_done" and CJK.search(event["reasons"][0]["message"])
    assert "1381234" not in json.dumps(event, ensure_ascii=False)
    to, kind, text = _told(db)[-1]
    assert (to, kind) == ("m-fixer", "claim.disputed")
    assert "138****1234" in text and "13812341234" not in text

    assert member.fulfil(claim["id"], note="换了开关，已经亮了").status_code == 200
    assert liaison.confirm(claim["id"]).get_json()["status"] == "confirmed"
    assert _told(db)[-1][:2] == ("m-fixer", "claim.confirmed")
    assert liaison.dispute(claim["id"], "太晚了").status_code == 409  # confirmed is final
