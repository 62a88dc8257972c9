"""Credit shares: a whole split into parts that sum to it exactly (largest remainder). No I/O."""
from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

SHARE_QUANTUM = Decimal("0.0001")  # a claim's shares of its deed, as the events carry them
POINT_QUANTUM = Decimal("0.01")  # points on a ledger entry


def apportion(total: Decimal, weights: list[Decimal], quantum: Decimal) -> list[Decimal]:
    """`total` split in proportion to `weights`, each part a multiple of `quantum`, the parts
    summing to `total` exactly; the quanta left over go to the largest remainders, earliest first."""
    if not weights:
        return []
    whole, units = sum(weights), int((total / quantum).to_integral_value(ROUND_FLOOR))
    exact = [Decimal(units) * w / whole for w in weights]
    parts = [int(x.to_integral_value(ROUND_FLOOR)) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:units - sum(parts)]:
        parts[i] += 1
    return [quantum * p for p in parts]


def equal_shares(count: int) -> list[Decimal]:
    """The shares of a deed done by `count` people, equal to a quantum, summing to 1."""
    return apportion(Decimal(1), [Decimal(1)] * count, SHARE_QUANTUM)
