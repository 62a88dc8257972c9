"""When a wish nobody takes goes to its community party organisation (上报). No I/O."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.clock import CHINA


UNCLAIMED, NEAR_DEADLINE = "unclaimed", "near_deadline"
ESCALATION_REASONS = {UNCLAIMED: "心愿开放全市认领后多日无人认领",
                      NEAR_DEADLINE: "心愿临近完成期限仍无人认领"}


def escalation(open_to_city_since: datetime | None, deadline: date | None, now: datetime,
               after_days: int, before_days: int) -> str | None:
    """Why a published wish nobody has claimed goes to its community party organisation now:
    `after_days` after it opened to the whole city, or `before_days` before its deadline (China
    dates); None while neither has come."""
    if deadline is not None and deadline - timedelta(days=before_days) <= now.astimezone(
            CHINA).date():
        return NEAR_DEADLINE
    if open_to_city_since is not None and now >= open_to_city_since + timedelta(days=after_days):
        return UNCLAIMED
    return None
