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


def _apply(db, *events) -> None:
    for event in events:
        with db.uow() as uow:
            handlers.on_confirmed(uow, event)
            uow.commit()


def test_a_confirmed_claim_is_paid_once_and_the_total_announced(make_db):
    db = make_db("scoring")
    _apply(db, _confirmed("c-1"), _confirmed("c-1"), _confirmed("c-2"))  # c-1 sent twice
    with db.engine.connect() as conn:
        entries = conn.execute(select(LedgerEntry.claim_id, LedgerEntry.points,
                                      LedgerEntry.unit_code).order_by(LedgerEntry.id)).all()
        awarded = [json.loads(body)["payload"] for body in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == "points.awarded")
            .order_by(db.outbox.c.created_at))]
        audited = conn.scalar(select(func.count()).select_from(db.outbox)
                              .where(db.outbox.c.type == "audit.recorded"))
    assert [tuple(e) for e in entries] == [("c-1", 1, "zhoukou-power"),
                                           ("c-2", 1, "zhoukou-power")]
    assert [(p["claim_id"], p["points"], p["total"]) for p in awarded] == [
        ("c-1", "1.00", "1.00"), ("c-2", "1.00", "2.00")]
    assert audited == 2


def test_a_group_deed_pays_each_member_their_share_once_summing_to_the_deeds_points(make_db):
    db = make_db("scoring")
    shares = [{"member_id": m, "unit_code": u, "share": s} for m, u, s in (
        ("m-1", "zhoukou-power", "0.3334"), ("m-2", None, "0.3333"), ("m-3", "u-3", "0.3333"))]
    event = delivered(make_event("wish.confirmed", {
        "wish_id": "w-g", "claim_id": "c-g", "member_id": "m-1", "community_code": "pudong-gaoqiao",
        "unit_code": "zhoukou-power", "shares": shares}, "matching"))
    _apply(db, event, event)  # delivered twice: paid once
    with db.engine.connect() as conn:
        entries = conn.execute(select(LedgerEntry.member_id, LedgerEntry.unit_code,
                                      LedgerEntry.points).order_by(LedgerEntry.id)).all()
    assert [(m, u, str(p)) for m, u, p in entries] == [
        ("m-1", "zhoukou-power", "0.34"), ("m-2", None, "0.33"), ("m-3", "u-3", "0.33")]
    assert sum(p for _m, _u, p in entries) == 1
