"""Eligibility rules, one by one, on realistic wishers from the seed reports, with Chinese reasons."""
from __future__ import annotations

import re
from datetime import date

import pytest

from services.verification import policy, rules
from services.verification.case import DOUBT, FAIL, PASS, Case
from services.verification.feasibility import similarity
from services.verification.registry import Allowance
from shared.idnumber import check_char
from tests.factories import wisher
from tests.helpers import person_id

TODAY = date(2026, 11, 23)
POLICIES = policy.load()
CHUANHUI = POLICIES.for_community("chuanhui-wenming")
NOT_ENROLLED = Allowance(enrolled=False, source="table")
LI = person_id(1, "19520314")  # 李景荣, born 14 March 1952
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def wish(**changes) -> dict:
    return {"title": "想要一套棉衣棉裤", "description": "老伴瘫痪二十多年，天冷了想给她买些棉衣棉裤。",
            "kind": "material", "wish_type": "individual", "team": None, "estimated_value": 200,
            "urgent": False, **changes}


def case(wish_changes=None, wisher_changes=None, **facts) -> Case:
    facts.setdefault("allowance", NOT_ENROLLED)
    return Case(wish(**(wish_changes or {})), wisher(**{"id_number": LI, **(wisher_changes or {})}),
                facts.pop("today", TODAY), facts.pop("policy", CHUANHUI), **facts)


def check(result, outcome: str, code: str = "") -> None:
    assert (result.outcome, result.code) == (outcome, code), result
    if outcome != PASS:
        assert CHINESE.search(result.reason), "a resident must be able to read why"


def test_an_eligible_elderly_wisher_passes_every_rule():
    """李景荣 (74, alone, 900 元) asking for warm clothes passes all ten rules."""
    results = rules.run(case())
    assert [r.rule for r in results] == [
        "identity", "target_group", "age", "allowance", "income", "one_per_round", "household",
        "value_cap", "micro_wish", "team"]
    assert all(r.outcome == PASS for r in results), results


@pytest.mark.parametrize("number, code", [
    (LI[:17] + ("0" if LI[17] != "0" else "1"), "id_check_digit"),
    ("41160219520230001" + check_char("41160219520230001"), "id_birth_date"),
    ("41160220270101001" + check_char("41160220270101001"), "id_birth_date_future"),
    ("41160219520314001", "id_format"),
])
def test_identity_fails_a_bad_id_number(number, code):
    """A wrong check digit, 30 February, a birth in the future and 17 digits are clear failures."""
    check(rules.identity(case(wisher_changes={"id_number": number})), FAIL, code)


def test_target_group_needs_one_recognised_group():
    """No group (or only unknown ones) is a clear failure; 残疾人 alone is enough."""
    check(rules.target_group(case(wisher_changes={"target_groups": []})), FAIL, "no_target_group")
    check(rules.target_group(case(wisher_changes={"target_groups": ["rich"]})), FAIL, "no_target_group")
    passed = rules.target_group(case(wisher_changes={"target_groups": ["disabled"]}))
    check(passed, PASS)
    assert passed.reason == "残疾人"


def test_age_must_fit_the_groups_claimed():
    """A 45-year-old 独居老人 fails; a 17-year-old 留守儿童 fails; a 10-year-old child passes."""
    young = rules.age(case(wisher_changes={"id_number": person_id(1, "19810601")}))
    check(young, FAIL, "age_mismatch")
    assert "独居老人须年满60周岁" in young.reason and "45周岁" in young.reason
    check(rules.age(case(wisher_changes={"id_number": person_id(1, "20090101"),
                                         "target_groups": ["left_behind_child"]})), FAIL, "age_mismatch")
    check(rules.age(case(wisher_changes={"id_number": person_id(1, "20160901"),
                                         "target_groups": ["left_behind_child"]})), PASS)


def test_age_limits_come_from_the_district_policy():
    """On 59th birthday plus a day 独居老人 fails at 60 and passes where the district sets 55."""
    born = person_id(1, "19671122")
    check(rules.age(case(wisher_changes={"id_number": born})), FAIL, "age_mismatch")
    lenient = POLICIES.__class__({"default": {**_raw_default(), "elderly_min_age": 55}})
    check(rules.age(case(wisher_changes={"id_number": born}, policy=lenient.for_community("x-1"))), PASS)


def test_one_misfit_group_among_others_goes_to_a_person():
    """A 50-year-old who is both 独居老人 and 残疾人: the desk decides, not the machine."""
    check(rules.age(case(wisher_changes={"id_number": person_id(1, "19760101"),
                                         "target_groups": ["elderly_alone", "disabled"]})),
          DOUBT, "age_mismatch_partial")


def test_income_against_the_threshold_in_force_on_the_day():
    """川汇区: 1,200 a head passes from July 2026 (1,250) but not before it (1,100, +20% → desk)."""
    two_of_them = {"household_size": 2, "household_monthly_income": 2400}
    check(rules.income(case(wisher_changes=two_of_them)), PASS)
    check(rules.income(case(wisher_changes=two_of_them, today=date(2026, 6, 30))),
          DOUBT, "income_near_threshold")


def test_income_far_above_the_threshold_is_rejected_with_the_figures():
    """3,000 a head in 川汇区 is a clear failure; the reason names both figures."""
    result = rules.income(case(wisher_changes={"household_size": 2, "household_monthly_income": 6000}))
    check(result, FAIL, "income_over_threshold")
    assert "3000元" in result.reason and "1250元" in result.reason


def test_missing_income_goes_to_the_desk_and_enrolment_counts_as_proof():
    """No income figure: a person asks for it. Registered for 低保: income passes."""
    missing = {"household_monthly_income": None}
    check(rules.income(case(wisher_changes=missing)), DOUBT, "income_missing")
    enrolled = Allowance(enrolled=True, kind="dibao", since=date(2023, 5, 1), source="table")
    check(rules.income(case(wisher_changes=missing, allowance=enrolled)), PASS)


def test_pudong_has_its_own_threshold():
    """2,400 a head is over 川汇区's line but within 浦东's 2,500."""
    rich_for_chuanhui = {"household_size": 1, "household_monthly_income": 2400}
    check(rules.income(case(wisher_changes=rich_for_chuanhui)), FAIL, "income_over_threshold")
    check(rules.income(case(wisher_changes=rich_for_chuanhui,
                            policy=POLICIES.for_community("pudong-gaoqiao"))), PASS)


def test_registry_down_waits_for_a_person_and_never_rejects():
    """When the civil-affairs registry cannot answer, the rule doubts with that reason."""
    result = rules.allowance(case(allowance=None))
    check(result, DOUBT, "registry_unavailable")
    assert "民政" in result.reason


def test_second_wish_of_a_person_in_one_round_is_rejected():
    """One wish per person per round: the person already holds a place in 2026-11."""
    result = rules.one_per_round(case(same_person=["wish-earlier"]))
    check(result, FAIL, "duplicate_in_round")
    assert "2026-11" in result.reason


def test_near_identical_wish_from_the_household_goes_to_the_desk():
    """Her husband's 想要棉衣棉裤 from the same address is flagged; a different wish is not."""
    twin = {"wish_id": "w2", "title": "想要棉衣棉裤", "description": "天冷了给老伴买棉衣棉裤穿"}
    other = {"wish_id": "w3", "title": "想要一个血压仪", "description": "患高血压多年，想随时量血压"}
    check(rules.household(case(same_household=[other, twin])), DOUBT, "similar_household_wish")
    check(rules.household(case(same_household=[other])), PASS)


def test_value_cap_per_district():
    """A 600 元 wheelchair is over 川汇区's 500 but within 浦东's 800; spiritual wishes have no value."""
    chair = {"title": "需要一部轮椅车", "estimated_value": 600}
    check(rules.value_cap(case(chair)), FAIL, "over_value_cap")
    check(rules.value_cap(case(chair, policy=POLICIES.for_community("pudong-gaoqiao"))), PASS)
    check(rules.value_cap(case({"kind": "spiritual", "estimated_value": None})), PASS)


@pytest.mark.parametrize("title, word", [
    ("过年想要一个红包", "红包"), ("想要一张超市购物卡", "购物卡"),
    ("想要两瓶白酒招待亲戚", "白酒"), ("给老伴买两条香烟", "香烟"),
])
def test_cash_gift_cards_alcohol_and_tobacco_are_not_micro_wishes(title, word):
    """Each banned kind is refused, and the reason quotes the word found."""
    result = rules.micro_wish(case({"title": title}))
    check(result, FAIL, "not_a_micro_wish")
    assert f"“{word}”" in result.reason


def test_medical_alcohol_is_not_mistaken_for_drink():
    """医用酒精 and 戒烟 help are fine: the list names drinks and cigarettes, not the characters."""
    check(rules.micro_wish(case({"title": "想要一瓶医用酒精和棉签"})), PASS)


def test_team_wishes_name_the_team_and_its_size():
    """A team wish without a name, or of one person, is a clear failure."""
    team = {"wish_type": "team", "title": "老年合唱队想要一套音响"}
    check(rules.team(case({**team, "team": {"name": "文明路老年合唱队", "size": 18}})), PASS)
    check(rules.team(case({**team, "team": {"name": "", "size": 18}})), FAIL, "team_incomplete")
    check(rules.team(case({**team, "team": {"name": "合唱队", "size": 1}})), FAIL, "team_incomplete")


def test_similarity_sees_a_restated_wish():
    """A short wish restated inside a longer one scores high; two unrelated wishes score low."""
    assert similarity("想要新书包", "五岁半的孩子一直想要一个带卡通图案的新书包") >= CHUANHUI.similarity
    assert similarity("想要一个血压仪", "帮忙买米买面") < CHUANHUI.similarity


def _raw_default() -> dict:
    import json
    return json.loads(policy.DEFAULT_FILE.read_text(encoding="utf-8"))["default"]
