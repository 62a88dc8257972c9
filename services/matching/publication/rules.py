"""When a verified wish opens and to whom: its community's next meeting day at the publication
hour (China time) or, if it cannot wait, at once; first to its own community, then the city."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from shared.clock import CHINA
from shared.meeting_day import MeetingRule


def opens_at(verified_at: datetime, rule: MeetingRule, hour: int, urgent: bool) -> datetime:
    """The moment the wish's batch opens: the first meeting day whose publication hour is still
    ahead of `verified_at` (verified on the day itself after the hour, it waits a month)."""
    if urgent:
        return verified_at.astimezone(timezone.utc)
    day = rule.next_on_or_after(verified_at.astimezone(CHINA).date())
    at = datetime.combine(day, time(hour), CHINA)
    if at <= verified_at:
        at = datetime.combine(rule.next_on_or_after(day + timedelta(days=1)), time(hour), CHINA)
    return at.astimezone(timezone.utc)


def citywide_at(opened_at: datetime, window_hours: float) -> datetime:
    """When the community's window closes and anyone in the city may claim (0: at once)."""
    return opened_at + timedelta(hours=window_hours)


def may_claim(member_community: str | None, wish_community: str, now: datetime,
              citywide_from: datetime) -> bool:
    """A member of the wish's community may claim as soon as it opens; others once it is
    city-wide (the window closes at exactly `citywide_from`)."""
    return member_community == wish_community or now >= citywide_from
