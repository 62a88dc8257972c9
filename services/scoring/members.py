"""Scoring's copy of the claimers intake registered: whose points, for which employer unit."""
from __future__ import annotations

from datetime import datetime, timezone

from services.scoring.models import Member

_FIELDS = ("kind", "display_name", "party_member", "unit_code", "unit_name", "community_code",
           "skills", "available_times", "org_code", "org_type")


def _utc(at: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; they were stored in UTC."""
    return at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at.astimezone(timezone.utc)


def keep(uow, event) -> None:
    """Apply member.registered / member.updated; an older event arriving late changes nothing."""
    profile = event.payload
    row = uow.session.get(Member, profile["member_id"])
    if row is None:
        row = Member(id=profile["member_id"])
        uow.session.add(row)
    elif _utc(row.as_of) >= _utc(event.occurred_at):
        return
    for name in _FIELDS:
        setattr(row, name, profile[name])
    row.as_of = event.occurred_at
