"""Eligibility rules: small named checks over one case, each with its reason in Chinese. No I/O here.

A rule passes, fails (a clear failure: the wish is rejected with the reason) or doubts (a person
at the review desk decides). Only what a resident could check for themselves is a clear failure.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from services.verification.policy import Policy
from shared import idnumber
from shared.clock import age_on
from shared.vocab import TARGET_GROUPS

PASS, FAIL, DOUBT = "pass", "fail", "review"

_IDENTITY_REASONS = {
    "format": "身份证号码格式不正确",
    "check_digit": "身份证号码校验位不正确，请核对号码",
    "birth_date": "身份证号码中的出生日期不存在",
    "birth_date_future": "身份证号码中的出生日期晚于今天",
}
_BANNED_LABELS = {"cash": "现金", "gift_card": "购物卡、礼品卡", "alcohol": "酒类", "tobacco": "香烟"}


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


def _r(rule: str, outcome: str = PASS, code: str = "", reason: str = "") -> RuleResult:
    return RuleResult(rule, outcome, code, reason)


def identity(case: Case) -> RuleResult:
    """The resident ID number has a correct GB 11643 check digit and a real, past birth date."""
    found = idnumber.problems(case.wisher.get("id_number") or "", case.today)
    if not found:
        return _r("identity")
    return _r("identity", FAIL, f"id_{found[0]}", _IDENTITY_REASONS[found[0]])


def target_group(case: Case) -> RuleResult:
    """At least one recognised target group (独居老人, 留守儿童, …)."""
    groups = [g for g in case.wisher.get("target_groups") or [] if g in TARGET_GROUPS]
    if groups:
        return _r("target_group", reason="、".join(TARGET_GROUPS[g] for g in groups))
    return _r("target_group", FAIL, "no_target_group",
              "未注明帮扶对象类别（" + "、".join(TARGET_GROUPS.values()) + "），不在本项目帮扶范围")


def age(case: Case) -> RuleResult:
    """The age from the ID number fits the groups claimed: elderly ≥ 60, left-behind child < 16."""
    born = idnumber.birth_date(case.wisher.get("id_number") or "")
    if born is None or born > case.today:
        return _r("age", reason="身份证号码无效，未核对年龄")
    years, p = age_on(born, case.today), case.policy
    groups = [g for g in case.wisher.get("target_groups") or [] if g in TARGET_GROUPS]
    misfits = []
    if "elderly_alone" in groups and years < p.elderly_min_age:
        misfits.append(f"独居老人须年满{p.elderly_min_age}周岁")
    if "left_behind_child" in groups and years >= p.child_max_age:
        misfits.append(f"留守儿童须未满{p.child_max_age}周岁")
    if not misfits:
        return _r("age", reason=f"{years}周岁")
    reason = f"年龄与帮扶对象类别不符：{'；'.join(misfits)}（按身份证为{years}周岁）"
    if len(misfits) == len(groups):
        return _r("age", FAIL, "age_mismatch", reason)
    return _r("age", DOUBT, "age_mismatch_partial", reason)


def allowance(case: Case) -> RuleResult:
    """The civil-affairs registry's answer; a registry that is down never rejects anyone."""
    if case.allowance is None:
        return _r("allowance", DOUBT, "registry_unavailable", "民政低保系统暂时无法查询，等待社区人工核实")
    return _r("allowance", reason=case.allowance.label())


def income(case: Case) -> RuleResult:
    """Per-capita household income at or below the district's threshold on the day of decision."""
    if case.allowance is not None and case.allowance.enrolled:
        return _r("income", reason=f"民政在册（{case.allowance.label()}），视为符合收入条件")
    size, total = case.wisher.get("household_size"), case.wisher.get("household_monthly_income")
    if not size or total is None:
        return _r("income", DOUBT, "income_missing", "未填写家庭人口或家庭月收入，需补充")
    threshold = case.policy.threshold_on(case.today)
    if threshold is None:
        return _r("income", DOUBT, "no_threshold", "本区尚未设定收入标准，由社区人工核实")
    per_capita = total / size
    said = f"家庭人均月收入{per_capita:.0f}元，本区标准{threshold}元"
    if per_capita <= threshold:
        return _r("income", reason=said)
    if per_capita <= threshold * (1 + case.policy.income_review_margin):
        return _r("income", DOUBT, "income_near_threshold", said + "，略高于标准，需社区核实")
    return _r("income", FAIL, "income_over_threshold", said + "，高于标准")


def one_per_round(case: Case) -> RuleResult:
    """One wish per person per round (found through the keyed hash of the ID number)."""
    round_ = case.policy.round_of(case.today)
    if not case.same_person:
        return _r("one_per_round", reason=f"本轮（{round_}）第一个心愿")
    return _r("one_per_round", FAIL, "duplicate_in_round",
              f"本轮（{round_}）该居民已有一个心愿在办，每人每轮限报一个心愿")


def _bigrams(text: str) -> set[str]:
    text = "".join(ch for ch in text if ch.isalnum())
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def similarity(a: str, b: str) -> float:
    """How alike two Chinese texts are: the share of the shorter one's character pairs the other has."""
    # Overlap rather than Jaccard: a short wish restated inside a longer one is still the same wish.
    x, y = _bigrams(a), _bigrams(b)
    return len(x & y) / min(len(x), len(y))


def household(case: Case) -> RuleResult:
    """A near-identical wish from the same household this round goes to a person."""
    mine = f"{case.wish.get('title', '')}{case.wish.get('description', '')}"
    for other in case.same_household:
        if similarity(mine, f"{other['title']}{other.get('description') or ''}") >= case.policy.similarity:
            return _r("household", DOUBT, "similar_household_wish",
                      f"同一户本轮已有相似心愿《{other['title']}》，请核实是否重复申报")
    return _r("household")


def value_cap(case: Case) -> RuleResult:
    """A material wish's estimated value is within the district's cap."""
    value, cap = case.wish.get("estimated_value"), case.policy.value_cap
    if case.wish.get("kind") != "material" or value is None:
        return _r("value_cap")
    if value <= cap:
        return _r("value_cap", reason=f"估价{value}元，上限{cap}元")
    return _r("value_cap", FAIL, "over_value_cap",
              f"心愿估价{value}元，超过本区微心愿上限{cap}元，请调整为更小的心愿")


def micro_wish(case: Case) -> RuleResult:
    """Cash, gift cards, alcohol and tobacco are not micro-wishes (the district's list)."""
    text = f"{case.wish.get('title', '')} {case.wish.get('description', '')}"
    for kind, words in case.policy.banned.items():
        hit = next((w for w in words if w in text), None)
        if hit:
            return _r("micro_wish", FAIL, "not_a_micro_wish",
                      f"心愿中有“{hit}”：微心愿不能是{_BANNED_LABELS.get(kind, kind)}等，请改为具体的物品或服务")
    return _r("micro_wish")


def team(case: Case) -> RuleResult:
    """A team wish names its team and how many people it serves."""
    if case.wish.get("wish_type") != "team":
        return _r("team")
    given = case.wish.get("team") or {}
    if given.get("name") and (given.get("size") or 0) >= 2:
        return _r("team", reason=f"{given['name']}，{given['size']}人")
    return _r("team", FAIL, "team_incomplete", "团体心愿须写明团体名称和人数（至少2人）")


RULES = (identity, target_group, age, allowance, income, one_per_round, household,
         value_cap, micro_wish, team)


def run(case: Case) -> list[RuleResult]:
    return [rule(case) for rule in RULES]


def explain(results: list[RuleResult]) -> list[dict]:
    return [{**asdict(r), "passed": r.passed} for r in results]


def reasons(results: list[RuleResult], outcome: str = FAIL) -> list[dict]:
    """What a resident reads: the code and Chinese reason of each rule with that outcome."""
    return [{"code": r.code, "message": r.reason} for r in results if r.outcome == outcome]
