"""Claiming against the real PostgreSQL: of many racing claimers, exactly one wins."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from services.matching.app import create_app
from services.matching.models import Claim, Wish
from shared.envelope import utcnow


def _publish_wish(db, wish_id: str) -> None:
    with db.uow() as uow:
        uow.session.add(Wish(id=wish_id, community_code="chuanhui-wenming", title="想要一个血压仪",
                             description="患高血压多年", kind="material", wisher_display="陈**",
                             source="web", source_ref=wish_id, status="published",
                             published_at=utcnow()))
        uow.commit()


def test_fifty_concurrent_claims_give_exactly_one_winner(settings, make_db):
    db = make_db("matching")
    _publish_wish(db, "wish-race")
    app = create_app(settings, db)
    barrier = threading.Barrier(50)
    statuses: list[int] = []

    def claim(n: int) -> None:
        client = app.test_client()
        barrier.wait()
        r = client.post("/api/v1/wishes/wish-race/claims", json={"member_id": f"member-{n}"})
        statuses.append(r.status_code)

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert sorted(statuses) == [201] + [409] * 49
    with db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(Claim.__table__)) == 1
        claimed = conn.scalar(select(func.count()).select_from(db.outbox)
                              .where(db.outbox.c.type == "wish.claimed"))
    assert claimed == 1


def test_claim_fulfil_confirm_in_order_only(settings, make_db):
    db = make_db("matching")
    _publish_wish(db, "wish-steps")
    client = create_app(settings, db).test_client()
    claim = client.post("/api/v1/wishes/wish-steps/claims", json={"member_id": "m1"}).get_json()
    early = client.post(f"/api/v1/claims/{claim['id']}/confirmation", json={})
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "invalid_state"
    done = client.post(f"/api/v1/claims/{claim['id']}/fulfilment", json={"note": "已送到家"})
    assert done.get_json()["status"] == "fulfilled"
    confirmed = client.post(f"/api/v1/claims/{claim['id']}/confirmation", json={})
    assert confirmed.get_json()["status"] == "confirmed"
    again = client.post(f"/api/v1/claims/{claim['id']}/confirmation", json={})
    assert again.status_code == 409
    with db.engine.connect() as conn:
        types = conn.scalars(select(db.outbox.c.type).order_by(db.outbox.c.id)).all()
    assert types == ["wish.claimed", "wish.fulfilled", "wish.confirmed"]
    assert client.get("/api/v1/wishes").get_json()["items"] == []  # off the wall once claimed
