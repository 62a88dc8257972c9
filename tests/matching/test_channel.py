"""The brokered channel (against the real PostgreSQL): a claim's claimer and its wish's liaison
write to each other; a claimer never reads a phone or ID number typed into a message; the words
are sealed at rest and erased with the wish."""
from __future__ import annotations

from sqlalchemy import func, select

from services.matching.app import create_app
from services.matching.models import ClaimMessage, Notice
from services.matching.publication import actions as publication
from tests.actors import Claimer, Liaison
from tests.factories import COMMUNITY, published_wish
from tests.helpers import add

PHONE, ID_NUMBER = "13812341234", "41160219480315002X"


def test_the_claimer_never_reads_a_typed_phone_or_id_number_and_each_side_is_told(db_settings,
                                                                                make_db):
    db = make_db("matching")
    add(db, published_wish("visit"))
    client = create_app(db_settings, db).test_client()
    member = Claimer.signed(client, db_settings, id="m-visitor")
    liaison = Liaison.signed(client, db_settings, communities=[COMMUNITY])
    stranger = Claimer.signed(client, db_settings, id="m-stranger")
    other_liaison = Liaison.signed(client, db_settings, communities=["pudong-gaoqiao"])
    claim = member.claim("visit").get_json()["id"]
    path = f"/api/v1/claims/{claim}/messages"
    asked = member.post(path, json={"body": "请问老人什么时候在家？"})
    assert asked.status_code == 201, asked.get_json()
    typed = f"周六上午在家，电话{PHONE}，身份证{ID_NUMBER}，到了先打电话"
    assert liaison.post(path, json={"body": typed}).status_code == 201
    assert member.post(path, json={"body": ""}).status_code == 422
    for outsider in (stranger, other_liaison):
        assert outsider.get(path).status_code == 404
        assert outsider.post(path, json={"body": "你好"}).status_code == 404

    seen_by_claimer = [m["body"] for m in member.get(path).get_json()["items"]]
    assert seen_by_claimer[0] == "请问老人什么时候在家？"
    assert PHONE not in seen_by_claimer[1] and ID_NUMBER not in seen_by_claimer[1]
    assert "138****1234" in seen_by_claimer[1]
    assert [m["body"] for m in liaison.get(path).get_json()["items"]][1] == typed
    with db.engine.connect() as conn:
        stored = " ".join(conn.scalars(select(ClaimMessage.body_sealed)))
        told = sorted(conn.execute(select(Notice.recipient, Notice.kind)).all())
        texts = " ".join(str(p) for p in conn.scalars(select(Notice.params)))
    assert PHONE not in stored and "老人" not in stored  # sealed at rest
    assert ("m-visitor", "claim.message") in told
    assert (f"liaisons:{COMMUNITY}", "liaison.message") in told
    assert PHONE not in texts  # a notice says a message came, not what it says

    with db.uow() as uow:
        publication.erase(uow, "visit")
        uow.commit()
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(ClaimMessage.__table__)) == 0
