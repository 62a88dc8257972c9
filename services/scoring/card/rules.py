"""The points card (积分卡): a member's ledger entries as lines of a card, year by year, a
correction as such beside the deed it corrects. No I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from services.scoring.honours.rules import counted_year
from shared.clock import today_in_china


@dataclass(frozen=True)
class Entry:
    """A ledger entry as the card reads it (with the names of where it was done)."""

    id: int
    title: str | None
    community_name: str | None
    points: Decimal
    at: datetime
    reverses: int | None = None
    note: str | None = None  # a correction's reason


@dataclass(frozen=True)
class Line:
    id: int
    on: date  # the China date of the deed's confirmation (or of the correction)
    title: str
    community_name: str | None
    points: Decimal
    correction: bool
    reason: str | None
    corrects_on: date | None  # a correction: the date of the deed it corrects


@dataclass(frozen=True)
class Year:
    year: int
    points: Decimal
    lines: list[Line]

    @property
    def deeds(self) -> int:
        """Deeds that still count: awards not corrected away."""
        return sum(-1 if line.correction else 1 for line in self.lines)


def card(entries: list[Entry]) -> list[Year]:
    """The card's years, newest first, each with its lines in the order they happened and its
    total. A correction counts in the year of the deed it undoes, as the honours count it."""
    by_id = {e.id: e for e in entries}
    years: dict[int, list[Line]] = {}
    for e in sorted(entries, key=lambda e: (e.at, e.id)):
        deed = by_id.get(e.reverses) if e.reverses else None
        year = counted_year(e.at, deed.at if deed else None)
        years.setdefault(year, []).append(Line(
            id=e.id, on=today_in_china(e.at), title=e.title or "（未命名心愿）",
            community_name=e.community_name, points=e.points, correction=e.reverses is not None,
            reason=e.note if e.reverses is not None else None,
            corrects_on=today_in_china(deed.at) if deed else None))
    return [Year(y, sum((line.points for line in lines), Decimal(0)), lines)
            for y, lines in sorted(years.items(), reverse=True)]


def signed(points: Decimal) -> str:
    """+3, −3, +0.5: how a card writes a line's points."""
    text = f"{abs(points):f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return ("−" if points < 0 else "+") + text
