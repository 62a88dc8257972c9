"""Eligibility rules, in the order they run; each a small named check in eligibility.py or
feasibility.py. No I/O here: the handler gathers the case."""
from __future__ import annotations

from dataclasses import asdict

from services.verification.case import FAIL, Case, RuleResult
from services.verification.eligibility import age, allowance, identity, income, target_group
from services.verification.feasibility import household, micro_wish, one_per_round, team, value_cap

RULES = (identity, target_group, age, allowance, income, one_per_round, household,
         value_cap, micro_wish, team)


def run(case: Case) -> list[RuleResult]:
    return [rule(case) for rule in RULES]


def explain(results: list[RuleResult]) -> list[dict]:
    return [{**asdict(r), "passed": r.passed} for r in results]


def reasons(results: list[RuleResult], outcome: str = FAIL) -> list[dict]:
    """What a resident reads: the code and Chinese reason of each rule with that outcome."""
    return [{"code": r.code, "message": r.reason} for r in results if r.outcome == outcome]
