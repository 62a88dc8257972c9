"""A service's local copy of the claimers intake registered (member.registered / member.updated)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.timestamps import Instant, as_utc

_FIELDS = ("kind", "display_name", "party_member", "unit_code", "unit_name", "community_code",
           "skills", "available_times", "org_code", "org_type")


class MemberCopy:
    """The columns of a claimer as intake announced them; mixed into each service's Member."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the claimer's account id
    kind: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(100))
    party_member: Mapped[bool] = mapped_column(Boolean)
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    unit_name: Mapped[str | None] = mapped_column(String(100))
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    available_times: Mapped[list] = mapped_column(JSON, default=list)
    org_code: Mapped[str | None] = mapped_column(String(32))
    org_type: Mapped[str | None] = mapped_column(String(20))
    # When the applied event happened: a late, older event never overwrites a newer one.
    as_of: Mapped[datetime] = mapped_column(Instant)


def copy_keeper(model, key: str, column: str, fields: tuple[str, ...]):
    """The handler that applies intake's announcements of one kind of master data to `model`:
    the row whose `column` is the payload's `key`, its `fields` copied; a late, older event
    never overwrites a newer one (`as_of`)."""
    def keep(uow, event) -> None:
        profile = event.payload
        row = uow.session.get(model, getattr(profile, key))
        if row is None:
            row = model(**{column: getattr(profile, key)})
            uow.session.add(row)
        elif as_utc(row.as_of) >= as_utc(event.occurred_at):
            return
        for name in fields:
            setattr(row, name, getattr(profile, name))
        row.as_of = event.occurred_at
    return keep


def keeper(model):
    """The handler that applies member events to `model`, a service's MemberCopy table."""
    return copy_keeper(model, "member_id", "id", _FIELDS)
