"""What the honours tests share: a community and its members in scoring's copies, deeds priced
at 10 points, and callers of each role."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime

from sqlalchemy import select

from services.scoring.app import handlers
from services.scoring.models import Honour, LedgerEntry
from shared.clock import CHINA
from shared.envelope import Envelope, delivered, make_event
from tests.factories import COMMUNITY, community_profile, member_profile
from tests.helpers import bearer, principal

DISTRICT = principal("district_admin")
LIAISON = principal("liaison", communities=[COMMUNITY])
STREET = principal("street_admin", communities=[COMMUNITY])
OTHER_LIAISON = principal("liaison", communities=["chuanhui-zhongzhou"])
RARE = "张𠈁国"  # 𠈁 (U+20201) is in CJK Extension B


def deliver(db, settings, queue: str, *events: Envelope) -> None:
    apply = next(h.apply for h in handlers(settings) if h.queue.name == queue)
    for event in events:
        with db.uow() as uow:
            apply(uow, delivered(event))
            uow.commit()


def confirmed(claim_id: str, at: datetime, member_id: str = "m-1") -> Envelope:
    return replace(make_event("wish.confirmed", {
        "wish_id": f"w-{claim_id}", "claim_id": claim_id, "member_id": member_id,
        "community_code": COMMUNITY, "unit_code": "zhoukou-power", "shares": [],
        "title": "想要一个血压仪"}, "matching"), occurred_at=at)


def at(month: int, day: int, hour: int = 10, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=CHINA)


def setup(db, settings, client, name: str = "张建国", member_id: str = "m-1") -> None:
    """文明社区 and a member of it, and deeds there worth 10 points each."""
    deliver(db, settings, "scoring.communities",
            make_event("community.registered", community_profile(), "intake"))
    deliver(db, settings, "scoring.members", make_event("member.registered", member_profile(
        member_id=member_id, display_name=name), "intake"))
    resp = client.put("/api/v1/point-rules", headers=as_(settings, DISTRICT), json={
        "scope": "chuanhui", "applies_from": "2020-01-01", "base": "10"})
    assert resp.status_code == 200, resp.get_json()


def as_(settings, who) -> dict:
    return bearer(settings, who)


def honours(db) -> list[tuple]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(
            Honour.member_id, Honour.year, Honour.level, Honour.status).order_by(Honour.id))]


def events(db, type_: str) -> list[dict]:
    with db.engine.connect() as conn:
        return [json.loads(b)["payload"] for b in conn.scalars(
            select(db.outbox.c.body).where(db.outbox.c.type == type_)
            .order_by(db.outbox.c.created_at, db.outbox.c.message_id))]


def award_ids(db) -> list[int]:
    with db.engine.connect() as conn:
        return list(conn.scalars(select(LedgerEntry.id).where(
            LedgerEntry.reason == "wish.confirmed").order_by(LedgerEntry.id)))


def honour_id(db, level: str, member_id: str = "m-1") -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(Honour.id).where(Honour.level == level,
                                                   Honour.member_id == member_id))


def step(client, settings, who, honour: int, name: str):
    return client.post(f"/api/v1/honours/{honour}/{name}", json={}, headers=as_(settings, who))
