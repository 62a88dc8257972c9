"""Points rules: what a confirmed deed is worth under its community's rule of the day, and each
doer's part of it. No I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from shared.shares import POINT_QUANTUM, apportion

POINTS_PER_DEED = Decimal(1)  # where no rule was ever set


@dataclass(frozen=True)
class PointRule:
    """What a deed earns from `applies_from` on, in a community (or, as `scope`, a district's
    every community without a rule of its own): a base and what a kind of deed adds."""

    scope: str  # a community's code, or a district's (chuanhui) for all its communities
    applies_from: date
    base: Decimal = POINTS_PER_DEED
    material: Decimal = Decimal(0)
    spiritual: Decimal = Decimal(0)
    urgent: Decimal = Decimal(0)
    team: Decimal = Decimal(0)
    categories: dict = field(default_factory=dict)  # category → what it adds


@dataclass(frozen=True)
class Deed:
    """A confirmed deed as the rules see it: where, what, and the China date it was confirmed."""

    community_code: str | None
    on: date
    kind: str | None = None
    wish_type: str | None = None
    category: str | None = None
    urgent: bool = False


def rule_for(rules: list[PointRule], community_code: str | None, on: date) -> PointRule | None:
    """The rule a deed in `community_code` on `on` falls under: the community's latest that has
    begun, else its district's latest, else none."""
    if not community_code:
        return None
    district = community_code.split("-", 1)[0]
    for scope in (community_code, district):
        begun = [r for r in rules if r.scope == scope and r.applies_from <= on]
        if begun:
            return max(begun, key=lambda r: r.applies_from)
    return None


def points_for(deed: Deed, rules: list[PointRule]) -> Decimal:
    """The deed's points: its rule's base plus what its kind, urgency, team and category add."""
    rule = rule_for(rules, deed.community_code, deed.on)
    if rule is None:
        return POINTS_PER_DEED
    added = {"material": rule.material, "spiritual": rule.spiritual}.get(deed.kind, Decimal(0))
    added += rule.urgent if deed.urgent else Decimal(0)
    added += rule.team if deed.wish_type == "team" else Decimal(0)
    added += Decimal(rule.categories.get(deed.category, 0)) if deed.category else Decimal(0)
    return rule.base + added


def parts(deed, points: Decimal) -> list[tuple[str, str | None, Decimal]]:
    """(member, unit, points) for each who shares the deed, the points summing to exactly
    `points`; a deed announced without shares is the claimer's alone."""
    shares = deed.shares or [{"member_id": deed.member_id, "unit_code": deed.unit_code,
                              "share": Decimal(1)}]
    split = apportion(points, [Decimal(s["share"]) for s in shares], POINT_QUANTUM)
    return [(s["member_id"], s.get("unit_code"), p) for s, p in zip(shares, split)]


def reversal_problems(entry_points: Decimal | None, reversed_already: bool,
                      reason: str) -> list[dict]:
    """A correction reverses one awarded entry, once, saying why."""
    if entry_points is None:
        return [{"field": "entry", "code": "not_found", "message": "没有这条积分记录"}]
    problems = []
    if entry_points <= 0:
        problems.append({"field": "entry", "code": "not_an_award",
                         "message": "只能冲正一条加分记录"})
    elif reversed_already:
        problems.append({"field": "entry", "code": "already_reversed",
                         "message": "这条积分记录已经冲正过"})
    if not reason.strip():
        problems.append({"field": "reason", "code": "required", "message": "请写明冲正原因"})
    return problems
