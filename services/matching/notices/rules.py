"""When people are told what: the reminder ladder before a claim is due, when an overdue claim
is given up, and quiet hours (22:00–08:00 China time). No I/O."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from shared.clock import CHINA

QUIET_FROM, QUIET_UNTIL = time(22, 0), time(8, 0)
RATE_WINDOW = timedelta(minutes=10)  # how long a person over their hourly notices waits
MAX_ATTEMPTS = 20  # failed deliveries before a notice is given up (about half a day of tries)


def rung(due_on: date, today: date, ladder: tuple[int, ...]) -> int | None:
    """The reminder a claim due on `due_on` is owed on `today` (China dates): the ladder's
    nearest step (days before it is due) that has come, or None before the first one. A
    step that was missed (the claim was made later) is not sent late: only the nearest."""
    come = [days for days in ladder if due_on - timedelta(days=days) <= today]
    return min(come) if come and today <= due_on else None


def overdue(due_on: date, today: date, grace_days: int) -> bool:
    """A claim still open `grace_days` after the day it was due is given up."""
    return today > due_on + timedelta(days=grace_days)


def deliver_at(now: datetime, urgent: bool) -> datetime:
    """When a notice may reach a phone: at once, or, in quiet hours, at 08:00 China time (an
    urgent wish's notices go at once)."""
    local = now.astimezone(CHINA)
    if urgent or QUIET_UNTIL <= local.time() < QUIET_FROM:
        return now
    morning = local.date() + timedelta(days=1) if local.time() >= QUIET_FROM else local.date()
    return datetime.combine(morning, QUIET_UNTIL, tzinfo=CHINA)


def retry_at(now: datetime, attempts: int) -> datetime:
    """When a failed delivery is tried again: 30 s, 1 min, 2 min, … at most an hour apart."""
    return now + timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))



def receipt_applies(held_at: datetime | None, report_at: datetime) -> bool:
    """A delivery receipt changes a notice only when it reports later than the one it holds:
    a duplicate (the same report time) or a late, older one changes nothing."""
    return held_at is None or report_at > held_at


def report_time(text: str) -> datetime:
    """The gateway's `2026-12-10 12:00:05` (China time), or an ISO time with its offset."""
    at = datetime.fromisoformat(text.strip().replace("T", " "))
    return at if at.tzinfo is not None else at.replace(tzinfo=CHINA)
