"""The districts' eligibility policy file: overrides key by key, dates for thresholds, clear refusals."""
from __future__ import annotations

import json
from datetime import date

import pytest

from services.verification import policy

DEFAULT = json.loads(policy.DEFAULT_FILE.read_text(encoding="utf-8"))["default"]


def test_a_district_overrides_key_by_key_and_keeps_the_other_deadlines():
    """浦东 changes one category's days; every other category keeps the default's."""
    policies = policy.Policies({"default": DEFAULT, "pudong": {
        "value_cap": 800, "deadlines": {"health": {"days": 5, "standard": "两日内联系，五日内送达"}}}})
    pudong = policies.for_community("pudong-gaoqiao")
    assert (pudong.value_cap, pudong.deadline_for("health", False)) == (800, (5, "两日内联系，五日内送达"))
    assert pudong.deadline_for("legal", False) == policy.load().for_community("x-y").deadline_for("legal", False)
    assert policies.for_community("unknown-community").district == "default"


def test_thresholds_apply_from_their_dates_and_rounds_follow_the_setting():
    """Before the first date there is no threshold; quarter rounds name the quarter."""
    quarterly = policy.Policies({"default": {**DEFAULT, "round": "quarter", "income_thresholds": [
        {"from": "2026-07-01", "monthly_per_capita": 1300}, {"from": "2025-01-01", "monthly_per_capita": 1100}]}})
    p = quarterly.for_community("chuanhui-wenming")
    assert [p.threshold_on(date(2024, 12, 31)), p.threshold_on(date(2026, 6, 30)),
            p.threshold_on(date(2026, 7, 1))] == [None, 1100, 1300]
    assert p.round_of(date(2026, 11, 23)) == "2026-Q4"


@pytest.mark.parametrize("raw, says", [
    ({"default": {**DEFAULT, "value_cpa": 500}}, "value_cpa"),
    ({"default": {**DEFAULT, "value_cap": -1}}, "value_cap"),
    ({"default": {**DEFAULT, "deadlines": {"health": DEFAULT["deadlines"]["health"]}}}, "incomplete"),
    ({"default": DEFAULT, "pudong": {"deadlines": {"fun": {"days": 3, "standard": "x"}}}}, "deadlines"),
    ({"pudong": {}}, "default"),
])
def test_a_wrong_policy_file_is_refused_at_start_naming_the_problem(raw, says):
    """A misspelt key, a negative cap, missing categories or no default stop the service at once."""
    with pytest.raises(ValueError, match=says):
        policy.Policies(raw)


def test_the_file_named_by_the_environment_is_the_one_used(tmp_path, monkeypatch):
    """MICROWISH_VERIFICATION_POLICY points at a district's own file."""
    own = tmp_path / "policy.json"
    own.write_text(json.dumps({"default": {**DEFAULT, "value_cap": 300}}), encoding="utf-8")
    monkeypatch.setenv(policy.ENV_VAR, str(own))
    assert policy.load().for_community("chuanhui-wenming").value_cap == 300
