"""Who qualifies: identity, target group, age, the civil-affairs register and household income."""
from __future__ import annotations

from services.verification.case import DOUBT, FAIL, Case, RuleResult, result as _r
from shared import idnumber
from shared.clock import age_on
from shared.vocab import TARGET_GROUPS

_IDENTITY_REASONS = {
    "format": "身份证号码格式不正确",
    "check_digit": "身份证号码校验位不正确，请核对号码",
    "birth_date": "身份证号码中的出生日期不存在",
    "birth_date_future": "身份证号码中的出生日期晚于今天",
}


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
