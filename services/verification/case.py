"""What every rule looks at and answers: one case in, a named result with a Chinese reason out.

A rule passes, fails (a clear failure: the wish is rejected with the reason) or doubts (a person
at the review desk decides). Only what a resident could check for themselves is a clear failure.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.verification.policy import Policy

PASS, FAIL, DOUBT = "pass", "fail", "review"


@dataclass(frozen=True)
class RuleResult:
    rule: str
    outcome: str
    code: str = ""
    reason: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == PASS


@dataclass(frozen=True)
class Case:
    """Everything the rules look at for one wish; the handler gathers it."""

    wish: dict
    wisher: dict
    today: date
    policy: Policy
    allowance: object | None = None  # registry.Allowance; None when the registry was down
    same_person: list[str] = field(default_factory=list)  # the person's other wishes this round
    # The household's other wishes this round, not rejected: {wish_id, title, description}.
    same_household: list[dict] = field(default_factory=list)


def result(rule: str, outcome: str = PASS, code: str = "", reason: str = "") -> RuleResult:
    return RuleResult(rule, outcome, code, reason)
