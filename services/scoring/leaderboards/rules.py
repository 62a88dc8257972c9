"""The year's leaderboards: totals per member, unit and community from ledger lines, and a
ranking where equal totals share a rank (1, 1, 3). No I/O."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

MEMBERS, UNITS, COMMUNITIES = "members", "units", "communities"
BOARDS = (MEMBERS, UNITS, COMMUNITIES)
BOARD_ZH = {MEMBERS: "党员", UNITS: "单位", COMMUNITIES: "社区"}


@dataclass(frozen=True)
class Line:
    """A ledger entry of the year as the boards count it (a correction counts in its deed's
    year, as the honours count it)."""

    member_id: str
    unit_code: str | None
    community_code: str | None
    claim_id: str
    points: Decimal


@dataclass(frozen=True)
class Row:
    """One line of a board before ranking: who or what, the points, and what is counted beside
    them (a member's or community's deeds, a unit's active members)."""

    key: str
    name: str
    points: Decimal
    count: int


@dataclass(frozen=True)
class Ranked:
    rank: int
    row: Row


def _deeds(lines: list[Line]) -> dict[str, Decimal]:
    """Each claim's net points: a deed corrected away nets to nothing and is no deed."""
    net: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        net[line.claim_id] += line.points
    return net


def totals(lines: list[Line], by: str) -> dict[str, tuple[Decimal, int]]:
    """key → (points, count) for the board `by`; lines without the key (no unit) are left out.
    The count is deeds for members and communities, active members for units."""
    groups: dict[str, list[Line]] = defaultdict(list)
    for line in lines:
        key = {MEMBERS: line.member_id, UNITS: line.unit_code,
               COMMUNITIES: line.community_code}[by]
        if key:
            groups[key].append(line)
    out = {}
    for key, group in groups.items():
        points = sum((line.points for line in group), Decimal(0))
        if by == UNITS:
            per_member: dict[str, Decimal] = defaultdict(Decimal)
            for line in group:
                per_member[line.member_id] += line.points
            count = sum(1 for p in per_member.values() if p > 0)
        else:
            count = sum(1 for p in _deeds(group).values() if p > 0)
        out[key] = (points, count)
    return out


def ranked(rows: list[Row], size: int) -> list[Ranked]:
    """Rows with points above nothing, most first (then by name, for a stable order); equal
    points share a rank and the next rank skips (competition ranking); the first `size`."""
    ordered = sorted((r for r in rows if r.points > 0), key=lambda r: (-r.points, r.name, r.key))
    out: list[Ranked] = []
    for n, row in enumerate(ordered):
        rank = out[-1].rank if out and out[-1].row.points == row.points else n + 1
        out.append(Ranked(rank, row))
    return out[:size]
