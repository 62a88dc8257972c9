"""Hand-over rules: who may offer a claim to whom, and when an offer may still be answered.
No I/O."""
from __future__ import annotations

from datetime import datetime, timedelta

OFFER_HOURS = 36  # an offer nobody answers lapses after this; the claim stays with its claimer
OFFERED, ACCEPTED, DECLINED, LAPSED, WITHDRAWN = (
    "offered", "accepted", "declined", "lapsed", "withdrawn")


def expires(offered_at: datetime) -> datetime:
    return offered_at + timedelta(hours=OFFER_HOURS)


def offer_problems(claim_status: str, offerer: str, to_member: str, registered: bool,
                   serves_already: bool) -> list[dict]:
    """A claimer may hand an open claim (or their place in its group) to another registered
    member who does not serve on it already."""
    if claim_status != "claimed":
        return [{"field": "claim", "code": "invalid_state",
                 "message": "只有尚未完成的认领可以转交"}]
    if to_member == offerer:
        return [{"field": "to", "code": "same_member", "message": "不能转交给自己"}]
    if not registered:
        return [{"field": "to", "code": "unknown_member",
                 "message": "该党员尚未报到登记，不能接受转交"}]
    if serves_already:
        return [{"field": "to", "code": "already_serving",
                 "message": "该党员已在这个心愿的认领中"}]
    return []


def answer_problems(outcome: str, expires_at: datetime, now: datetime) -> list[dict]:
    """An offer is answered once, before it lapses."""
    if outcome != OFFERED:
        return [{"field": "handover", "code": "offer_closed",
                 "message": "这次转交已经结束（已接受、已拒绝、已撤回或已过期）"}]
    if now >= expires_at:
        return [{"field": "handover", "code": "offer_lapsed",
                 "message": f"转交邀请已超过 {OFFER_HOURS} 小时，已失效"}]
    return []
