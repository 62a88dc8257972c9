"""Eligibility rules: small named checks, each with its reason in Chinese. No I/O here."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from shared import idnumber

_IDENTITY_REASONS = {
    "format": "身份证号码格式不正确",
    "check_digit": "身份证号码校验位不正确，请核对号码",
    "birth_date": "身份证号码中的出生日期不存在",
    "birth_date_future": "身份证号码中的出生日期晚于今天",
}


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    code: str = ""
    reason: str = ""


@dataclass(frozen=True)
class Decision:
    verified: bool
    results: list[RuleResult]

    @property
    def reasons(self) -> list[dict]:
        return [{"code": r.code, "message": r.reason} for r in self.results if not r.passed]

    def explain(self) -> list[dict]:
        return [asdict(r) for r in self.results]


def identity(wisher: dict, today: date) -> RuleResult:
    """The resident ID number has a correct GB 11643 check digit and a real, past birth date."""
    found = idnumber.problems(wisher["id_number"], today)
    if not found:
        return RuleResult("identity", True)
    return RuleResult("identity", False, f"id_{found[0]}", _IDENTITY_REASONS[found[0]])


RULES = (identity,)


def decide(wisher: dict, today: date) -> Decision:
    """Run every rule; a wish is verified only when all of them pass."""
    results = [rule(wisher, today) for rule in RULES]
    return Decision(all(r.passed for r in results), results)
