"""Writing a notice: in the transaction of what caused it, once per key."""
from __future__ import annotations

from datetime import datetime

from services.matching.claims.announce import serving
from services.matching.claims.rules import SYSTEM_REASONS, reason_view
from services.matching.models import Claim, Community, Notice, Wish
from services.matching.notices.rules import deliver_at
from shared.envelope import new_id, utcnow
from shared.sql import insert_for


def notify(uow, key: str, recipient: str, kind: str, params: dict, urgent: bool = False,
           now: datetime | None = None) -> bool:
    """Write the notice named `key` unless it was written already (by an earlier scan, or by
    another worker at this moment); True when this call wrote it."""
    now = now or utcnow()
    table = Notice.__table__
    written = uow.session.execute(
        insert_for(uow.session.bind.dialect.name)(table)
        .values(id=new_id(), key=key, recipient=recipient, kind=kind, params=params,
                urgent=urgent, created_at=now, deliver_at=deliver_at(now, urgent), attempts=0)
        .on_conflict_do_nothing(index_elements=[table.c.key]).returning(table.c.id))
    return written.first() is not None


def liaisons_of(community_code: str) -> str:
    """The recipient that stands for a community's liaisons (the channel finds who they are)."""
    return f"liaisons:{community_code}"


def told(uow, c: Claim) -> list[str]:
    """Who hears of a claim's steps: everyone who serves on it (its claimer, a group's members,
    the members an organisation named) and, for an organisation's claim, the admin who made it."""
    people = [member_id for member_id, _unit in serving(uow, c)]
    return people if c.member_id in people else [*people, c.member_id]


def tell_serving(uow, c: Claim, kind: str, key: str, **extra) -> None:
    """Notify those `told` of the claim about its wish, once per `key`."""
    wish = uow.session.get(Wish, c.wish_id)
    params = {"title": wish.title, "due_on": c.due_on.isoformat() if c.due_on else "", **extra}
    for member_id in told(uow, c):
        notify(uow, f"{key}:{member_id}", member_id, kind, params, wish.urgent)


def tell_claimed(uow, c: Claim, member_id: str) -> None:
    """Whoever claimed (or joined a group) hears that it is theirs and when it is due; the
    community's liaisons hear of the new claim once."""
    wish = uow.session.get(Wish, c.wish_id)
    due_on = c.due_on.isoformat() if c.due_on else ""
    for person in [member_id] if c.team else told(uow, c):
        notify(uow, f"claimed:{c.id}:{person}", person, "claim.claimed",
               {"title": wish.title, "due_on": due_on}, wish.urgent)
    tell_liaisons(uow, c, "liaison.claimed", f"claimed:{c.id}")


def tell_released(uow, c: Claim, by: str) -> None:
    """A claim given up by its claimer is told to the liaisons; one the liaison took back, to
    those who served on it (the jobs that give claims up tell of their own)."""
    key = f"released:{c.id}:{c.released_at.isoformat()}"
    reason = reason_view(c.release_reason)[0]["message"] if c.release_reason else ""
    if by in told(uow, c):
        tell_liaisons(uow, c, "liaison.released", key, reason=reason)
    elif c.release_reason not in SYSTEM_REASONS:
        tell_serving(uow, c, "claim.released", key, reason=reason)


def tell_liaisons(uow, c: Claim, kind: str, key: str, **extra) -> None:
    """Notify the liaisons of the claim's community about its wish, once per `key`."""
    wish = uow.session.get(Wish, c.wish_id)
    notify(uow, f"{key}:liaisons", liaisons_of(wish.community_code), kind,
           {"title": wish.title, "due_on": c.due_on.isoformat() if c.due_on else "",
            "community_name": community_name(uow, wish.community_code), **extra}, wish.urgent)


def community_name(uow, code: str) -> str:
    """What a notice calls a community: its Chinese name (the code, before intake named it)."""
    community = uow.session.get(Community, code)
    return community.name if community else code
