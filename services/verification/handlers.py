"""Verify a submitted wish: open the sealed wisher data, run the rules, record and announce the decision."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from services.verification import rules
from services.verification.models import Review
from shared.envelope import utcnow
from shared.pii import Sealer

CHINA = ZoneInfo("Asia/Shanghai")


def today_in_china(now: datetime) -> date:
    return now.astimezone(CHINA).date()


def make_verify(sealer: Sealer):
    def verify(uow, event) -> None:
        wish = event.payload
        now = utcnow()
        decision = rules.decide(sealer.open(wish["wisher_sealed"]), today_in_china(now))
        uow.session.add(Review(
            wish_id=wish["wish_id"], community_code=wish["community_code"],
            decision="verified" if decision.verified else "rejected",
            rules=decision.explain(), decided_at=now,
        ))
        source = {"source": wish["source"], "source_ref": wish["source_ref"]}
        if decision.verified:
            uow.emit("wish.verified", {
                "wish_id": wish["wish_id"], **source, "community_code": wish["community_code"],
                "title": wish["title"], "description": wish["description"],
                "kind": wish["kind"], "wisher_display": wish["wisher_display"],
            }, correlation_id=wish["wish_id"])
        else:
            uow.emit("wish.rejected", {"wish_id": wish["wish_id"], **source,
                                       "reasons": decision.reasons},
                     correlation_id=wish["wish_id"])
    return verify
