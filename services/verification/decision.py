"""From the rules' results to one decision: approve, reject, or leave it to a person. No I/O here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from services.verification import rules
from services.verification.case import DOUBT, FAIL, PASS, Case, RuleResult
from services.verification.categorise import Categorised

VERIFIED, REJECTED, PENDING, NEEDS_INFO = "verified", "rejected", "pending", "needs_info"


@dataclass(frozen=True)
class Verdict:
    status: str
    results: list[RuleResult]
    categorised: Categorised
    deadline: date
    service_standard: str

    @property
    def reasons(self) -> list[dict]:
        """Rejected: the clear failures. At the desk: what made the rules doubt."""
        return rules.reasons(self.results, FAIL if self.status == REJECTED else DOUBT)

    def explain(self) -> list[dict]:
        return rules.explain(self.results)


def category_rule(categorised: Categorised) -> RuleResult:
    """The classifier's choice stands only when it is sure; otherwise a liaison picks."""
    reason = categorised.explain()["reason"]
    if categorised.confident:
        return RuleResult("category", PASS, "", reason)
    return RuleResult("category", DOUBT, "category_unsure",
                      "无法确定服务类别，请社区联络员选择（" + reason + "）")


def deadline(case: Case, category: str) -> tuple[date, str]:
    """The date the deed should be done by, and the service standard to meet."""
    days, standard = case.policy.deadline_for(category, bool(case.wish.get("urgent")))
    return case.today + timedelta(days=days), standard


def decide(case: Case, categorised: Categorised) -> Verdict:
    """Approve when every rule passes; reject only on a clear failure; otherwise the desk."""
    results = [*rules.run(case), category_rule(categorised)]
    outcomes = {r.outcome for r in results}
    status = REJECTED if FAIL in outcomes else PENDING if DOUBT in outcomes else VERIFIED
    due, standard = deadline(case, categorised.category)
    return Verdict(status, results, categorised, due, standard)
