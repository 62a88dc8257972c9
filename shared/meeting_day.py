"""A community's meeting day (例会日): the n-th given weekday of each month, in China time.

川汇's rule is the Saturday of the month's first week: {"nth": 1, "weekday": 6} (ISO weekdays,
Monday 1 … Sunday 7). Intake validates a community's rule with `problems`; matching schedules a
verified wish for `next_meeting_day` (issue 13, publication).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

WEEKDAYS_ZH = {1: "周一", 2: "周二", 3: "周三", 4: "周四", 5: "周五", 6: "周六", 7: "周日"}
DEFAULT = {"nth": 1, "weekday": 6}


@dataclass(frozen=True)
class MeetingRule:
    """The `nth` (1–4) `weekday` (ISO, 1–7) of each month."""

    nth: int = 1
    weekday: int = 6

    @classmethod
    def of(cls, data: dict | None) -> "MeetingRule":
        return cls(**{**DEFAULT, **(data or {})})

    def as_dict(self) -> dict:
        return {"nth": self.nth, "weekday": self.weekday}

    def label(self) -> str:
        """每月第1个周六."""
        return f"每月第{self.nth}个{WEEKDAYS_ZH[self.weekday]}"

    def in_month(self, year: int, month: int) -> date:
        first = date(year, month, 1)
        offset = (self.weekday - first.isoweekday()) % 7
        return first + timedelta(days=offset + 7 * (self.nth - 1))

    def next_on_or_after(self, day: date) -> date:
        """The first meeting day on or after `day`."""
        this_month = self.in_month(day.year, day.month)
        if this_month >= day:
            return this_month
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        return self.in_month(year, month)


def problems(data) -> list[str]:
    """What is wrong with a rule as given (an empty list when it is usable)."""
    if not isinstance(data, dict) or set(data) - {"nth", "weekday"}:
        return ["例会日规则应为 {nth: 第几个(1-4), weekday: 星期几(1-7)}"]
    wrong = []
    nth, weekday = data.get("nth", DEFAULT["nth"]), data.get("weekday", DEFAULT["weekday"])
    if not isinstance(nth, int) or isinstance(nth, bool) or not 1 <= nth <= 4:
        wrong.append("例会日的“第几个”应为 1 到 4")
    if not isinstance(weekday, int) or isinstance(weekday, bool) or not 1 <= weekday <= 7:
        wrong.append("例会日的“星期几”应为 1（周一）到 7（周日）")
    return wrong
