"""The notices' settings: the span a member must have taken part in, the units' rate, and how
often the scans look (the feedback's too)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from shared.settings import environ


def inactive_days(env: dict[str, str] | None = None) -> int | None:
    """MICROWISH_INACTIVE_DAYS: the last N days; unset or empty, the calendar year to date."""
    raw = environ(env).get("MICROWISH_INACTIVE_DAYS", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= 3660:
        raise ValueError("MICROWISH_INACTIVE_DAYS must be a whole number of days, 1 to 3660")
    return int(raw)


def participation_rate(env: dict[str, str] | None = None) -> Decimal:
    """MICROWISH_UNIT_PARTICIPATION_RATE (0.5): below this share of members taking part, a unit
    is reported to the district."""
    raw = environ(env).get("MICROWISH_UNIT_PARTICIPATION_RATE", "0.5")
    try:
        rate = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError("MICROWISH_UNIT_PARTICIPATION_RATE must be a number") from exc
    if not 0 < rate <= 1:
        raise ValueError("MICROWISH_UNIT_PARTICIPATION_RATE must be above 0 and at most 1")
    return rate


def scan_seconds(env: dict[str, str] | None = None) -> float:
    """MICROWISH_SCORING_SCAN_SECONDS (3600): how often the notices' and the feedback's scans run."""
    return float(environ(env).get("MICROWISH_SCORING_SCAN_SECONDS", "3600"))
