"""The audit trail: every decision and every read of unmasked personal data, as an event.

Each service records in its own unit of work (so an audit entry commits with the decision
it describes, or not at all); intake keeps the trail and district admins query it there.
"""
from __future__ import annotations

from shared.tokens import Principal


def actor_of(who: Principal | str) -> dict:
    """An account, or a service acting on its own (e.g. automated verification)."""
    if isinstance(who, str):
        return {"actor_id": who, "actor_role": "service"}
    return {"actor_id": who.id, "actor_role": who.role}


def record(uow, who: Principal | str, action: str, object_type: str, object_id: str,
           community_code: str | None = None, detail: dict | None = None) -> None:
    """Write `audit.recorded` with the change it describes; never put personal data in `detail`."""
    uow.emit("audit.recorded", {
        **actor_of(who), "action": action, "object_type": object_type, "object_id": object_id,
        "community_code": community_code, "service": uow.db.service, "detail": detail or {},
    }, correlation_id=object_id)
