"""The points ledger on real PostgreSQL: one entry a confirmed claim, the running total announced."""
from __future__ import annotations

import json

from sqlalchemy import func, select

from services.scoring.ledger import handlers
from services.scoring.models import LedgerEntry
from shared.envelope import delivered, make_event


def _confirmed(claim_id: str, member_id: str = "m-1") -> object:
    return delivered(make_event("wish.confirmed", {
        "wish_id": f"w-{claim_id}", "claim_id": claim_id, "member_id": member_id,
        "community_code": "chuanhui-wenming", "unit_code": "zhoukou-power"}, "matching"))


def test_a_confirmed_claim_is_paid_once_and_the_total_announced(make_db):
    db = make_db("scoring")
    for event in (_confirmed("c-1"), _confirmed("c-1"), _confirmed("c-2")):  # c-1 sent twice
        with db.uow() as uow:
            handlers.on_confirmed(uow, event)
            uow.commit()
    with db.engine.connect() as conn:
        entries = conn.execute(select(LedgerEntry.claim_id, LedgerEntry.points,
                                      LedgerEntry.unit_code).order_by(LedgerEntry.id)).all()
        awarded = [json.loads(body)["payload"] for body in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == "points.awarded")
            .order_by(db.outbox.c.created_at))]
        audited = conn.scalar(select(func.count()).select_from(db.outbox)
                              .where(db.outbox.c.type == "audit.recorded"))
    assert [tuple(e) for e in entries] == [("c-1", 1, "zhoukou-power"), ("c-2", 1, "zhoukou-power")]
    assert [(p["claim_id"], p["points"], p["total"]) for p in awarded] == [("c-1", 1, 1),
                                                                           ("c-2", 1, 2)]
    assert audited == 2
