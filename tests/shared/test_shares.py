"""Credit shares, property-based: for every group size the parts sum to the whole exactly."""
from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given, strategies as st

from services.scoring.ledger.rules import parts
from shared.shares import POINT_QUANTUM, SHARE_QUANTUM, apportion, equal_shares

sizes = st.integers(min_value=1, max_value=50)
points = st.integers(min_value=0, max_value=100_000).map(lambda n: Decimal(n) * POINT_QUANTUM)


@given(sizes)
def test_equal_shares_sum_to_one_and_differ_by_at_most_a_quantum(n):
    shares = equal_shares(n)
    assert len(shares) == n and sum(shares) == 1
    assert max(shares) - min(shares) <= SHARE_QUANTUM and min(shares) > 0


@given(sizes, points)
def test_a_deeds_points_split_by_its_shares_sum_to_the_deeds_points(n, deed_points):
    shares = [{"member_id": f"m-{i}", "unit_code": None, "share": s}
              for i, s in enumerate(equal_shares(n))]
    deed = SimpleNamespace(member_id="m-0", unit_code=None, shares=shares)
    split = parts(deed, deed_points)
    assert [m for m, _u, _p in split] == [f"m-{i}" for i in range(n)]
    assert sum(p for _m, _u, p in split) == deed_points
    assert all(p >= 0 and p % POINT_QUANTUM == 0 for _m, _u, p in split)
    for share, (_m, _u, p) in zip(shares, split):  # each within a quantum of points × share
        assert abs(p - deed_points * share["share"]) < POINT_QUANTUM


@given(st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=50), points)
def test_unequal_weights_still_sum_exactly_and_follow_the_weights(weights, total):
    split = apportion(total, [Decimal(w) for w in weights], POINT_QUANTUM)
    assert sum(split) == total
    for w, p in zip(weights, split):  # each within one quantum of its exact part
        assert abs(p - total * w / sum(weights)) < POINT_QUANTUM


def test_a_deed_without_shares_is_the_claimers_alone():
    deed = SimpleNamespace(member_id="m-1", unit_code="u-1", shares=[])
    assert parts(deed, Decimal(1)) == [("m-1", "u-1", Decimal("1.00"))]
