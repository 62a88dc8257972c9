"""The half-yearly feedback to units (双向反馈): which half a deed belongs to in China time, the
half just ended on a day, and what a unit's report says of each member. No I/O.

A half is 1 January–30 June or 1 July–31 December in 周口's calendar: a deed confirmed at 23:59
on 30 June China time (15:59 UTC) is in the first half, one at 00:01 on 1 July (16:01 UTC on
30 June) in the second. A correction counts in the half of the deed it reverses.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from shared.clock import CHINA, today_in_china

FIRST, SECOND = 1, 2
HALF_ZH = {FIRST: "上半年", SECOND: "下半年"}


@dataclass(frozen=True, order=True)
class Half:
    year: int
    half: int  # 1 or 2

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == FIRST else 7, 1)

    @property
    def end(self) -> date:
        """The half's last day (inclusive)."""
        return date(self.year, 6, 30) if self.half == FIRST else date(self.year, 12, 31)

    @property
    def next(self) -> "Half":
        return Half(self.year, SECOND) if self.half == FIRST else Half(self.year + 1, FIRST)

    def instants(self) -> tuple[datetime, datetime]:
        """[start, end) as instants: midnight China time at each end."""
        return (datetime.combine(self.start, time(), CHINA),
                datetime.combine(self.next.start, time(), CHINA))

    @property
    def label(self) -> str:
        """2026年上半年（1月1日至6月30日）."""
        return (f"{self.year}年{HALF_ZH[self.half]}（{self.start.month}月{self.start.day}日至"
                f"{self.end.month}月{self.end.day}日）")

    @property
    def key(self) -> str:
        return f"{self.year}-H{self.half}"


def half_of(at: datetime) -> Half:
    on = today_in_china(at)
    return Half(on.year, FIRST if on.month <= 6 else SECOND)


def just_ended(today: date) -> Half:
    """The last half wholly before `today`: on 3 July the first half of its year, on 1 January
    the second half of the year before. A scan that missed the 1st still finds it."""
    return Half(today.year, FIRST) if today.month >= 7 else Half(today.year - 1, SECOND)


@dataclass(frozen=True)
class Deed:
    member_id: str
    title: str
    community: str
    on: date  # China date of the deed
    points: Decimal  # the award less any correction of it


@dataclass(frozen=True)
class HonourLine:
    member_id: str
    title: str  # 通报表扬, 社区志愿服务之星
    status: str  # 已发文 ...
    number: str | None


@dataclass
class MemberLine:
    member_id: str
    name: str
    community: str  # where they reported (党员报到)
    deeds: list[Deed] = field(default_factory=list)
    honours: list[HonourLine] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((d.points for d in self.deeds), Decimal(0))


def lines(members: dict[str, tuple[str, str]], deeds: list[Deed],
          honours: list[HonourLine]) -> list[MemberLine]:
    """One line per member of the unit, those without a deed too (the unit hears of them as
    well), ordered by points then name. `members`: id → (name, community)."""
    out = {m: MemberLine(m, name, community) for m, (name, community) in members.items()}
    for d in sorted(deeds, key=lambda d: (d.on, d.title)):
        out.setdefault(d.member_id, MemberLine(d.member_id, d.member_id, "")).deeds.append(d)
    for h in honours:
        out.setdefault(h.member_id, MemberLine(h.member_id, h.member_id, "")).honours.append(h)
    return sorted(out.values(), key=lambda m: (-m.points, m.name, m.member_id))


def as_facts(half: Half, unit_name: str, members: list[MemberLine]) -> dict:
    """The report as stored (JSON): what was sent stays what it was, whatever comes later."""
    return {"half": half.key, "label": half.label, "unit_name": unit_name,
            "totals": {"members": len(members),
                       "active": sum(1 for m in members if m.deeds),
                       "deeds": sum(len(m.deeds) for m in members),
                       "points": str(sum((m.points for m in members), Decimal(0)))},
            "members": [{"member_id": m.member_id, "name": m.name, "community": m.community,
                         "points": str(m.points),
                         "deeds": [{"title": d.title, "community": d.community,
                                    "on": d.on.isoformat(), "points": str(d.points)}
                                   for d in m.deeds],
                         "honours": [{"title": h.title, "status": h.status, "number": h.number}
                                     for h in m.honours]} for m in members]}
