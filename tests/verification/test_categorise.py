"""The keyword categoriser: the seed wishes land where a liaison would put them, and it says why."""
from __future__ import annotations

import json

import pytest

from services.verification.categorise import categorise, found_keywords
from services.verification.keywords import CATEGORY_KEYWORDS, FALLBACK_BY_KIND, SKILL_KEYWORDS
from shared.vocab import CATEGORIES, SKILLS

M, S = "material", "spiritual"

EXAMPLES = [
    # (title, description, kind, category, skills)
    ("想要一套棉衣棉裤", "老伴瘫痪二十多年，天冷了想给她买些棉衣棉裤，穿得暖和点。", M, "poverty_relief", []),
    ("想要一个新书包", "五岁半的孩子一直想要一个带卡通图案的书包。", M, "poverty_relief", []),
    ("孩子们想添置新学期的装备", "一家四口两人残疾，两个孩子想和别的孩子一样准备新学期。", M,
     "poverty_relief", []),
    ("希望有人陪我聊聊天", "独居老人，子女在外地，希望周末有人来陪着说说话。", S, "culture", ["companionship"]),
    ("帮忙买米买面", "腿脚不便，希望每月有人帮忙买米、买面、买油送到家。", S, "convenience", ["errands"]),
    ("想要一个血压仪", "患高血压多年，想在家里随时量血压。", M, "health", []),
    ("需要一部方便出行的轮椅车", "脑中风后腿脚不利索，出门十分不方便。", M, "health", []),
    ("希望有一张医用摇床", "瘫痪在床七年，每次吃饭都要老伴用吊绳拉起，想减轻老伴负担。", M, "health", []),
    ("想去公园看看", "困难家庭的孩子从没去过大公园，希望有人带着去游览一次。", S, "culture", []),
    ("家里的灯坏了", "晚上起夜看不见。", S, "convenience", ["electrician"]),
    ("水管漏水", "厨房水管一直滴水。", S, "convenience", ["plumbing"]),
    ("想咨询赡养费", "子女不给赡养费，不知道怎么办。", S, "legal", ["legal_advice"]),
    ("工伤赔偿", "在工地受伤，老板不给赔偿。", S, "legal", ["legal_advice"]),
    ("讨薪", "干了半年活，工钱一直没给。", S, "legal", ["legal_advice"]),
    ("邻里纠纷", "和邻居吵架好几次，希望社区帮忙调解。", S, "mediation", []),
    ("楼上漏水吵架", "楼上漏水到我家，两家吵架，希望调解。", S, "mediation", ["plumbing"]),
    ("了解医保报销政策", "想知道住院能报销多少。", S, "policy", []),
    ("低保政策怎么申请", "家里困难，想知道低保怎么申请。", S, "policy", []),
    ("楼道堆满垃圾想清理", "楼道里的垃圾很久没人管。", S, "environment", ["cleaning"]),
    ("小区绿化", "希望在小区空地上种些花草。", S, "environment", []),
    ("辅导孩子作业", "父母在外打工，孩子作业没人管。", S, "culture", ["tutoring"]),
    ("想理发", "行动不便，出不了门。", S, "convenience", ["haircut"]),
    ("手机不会用", "孩子买了新手机，不会打视频电话。", S, "convenience", ["computer"]),
    ("教用智能手机", "想学会用智能手机挂号。", S, "convenience", ["computer"]),
    ("心情不好", "老伴走后一直想不开，希望有人心理疏导。", S, "health", ["counselling"]),
    ("想拍一张全家福", "", S, "culture", ["photography"]),
    ("洗衣机坏了", "希望有人上门修理。", S, "convenience", ["appliance_repair"]),
]


@pytest.mark.parametrize("title,description,kind,category,skills", EXAMPLES,
                         ids=[e[0] for e in EXAMPLES])
def test_examples_land_in_the_expected_category_with_their_skills(title, description, kind,
                                                                  category, skills):
    """Each example wish gets the category and skills a liaison would give it, confidently."""
    got = categorise(title, description, kind)
    assert (got.category, got.skills, got.confident) == (category, skills, True)


def test_declared_skills_come_first_then_inferred_without_duplicates():
    """Declared skills keep their order in front; an inferred skill already declared is not repeated."""
    assert categorise("家里的灯坏了", "", S, ["driving"]).skills == ["driving", "electrician"]
    assert categorise("家里的灯坏了", "", S, ["electrician", "driving", "driving"]).skills == [
        "electrician", "driving"]


def test_unknown_declared_skill_codes_are_dropped():
    """Only SKILLS codes come out, whatever was declared."""
    assert categorise("想要一个书包", "", M, ["juggling", "tutoring"]).skills == ["tutoring"]


def test_evidence_lists_the_matched_keywords_per_category_and_skill():
    """The evidence names every keyword that counted, in order, under its category and skill."""
    got = categorise("想要一个血压仪", "患高血压多年，想在家里随时量血压。", M)
    assert got.evidence == {"health": ["血压仪", "高血压", "血压"]}
    lamp = categorise("家里的灯坏了", "", S)
    assert lamp.skill_evidence == {"electrician": ["灯坏"]}
    assert lamp.evidence == {"convenience": ["灯坏", "坏了"]}


def test_explain_gives_a_chinese_reason_and_is_json():
    """explain() names the category in Chinese and quotes the deciding keywords; it survives JSON."""
    explained = categorise("想要一个血压仪", "患高血压多年，想在家里随时量血压。", M).explain()
    assert explained["category"] == "health" and explained["category_label"] == "医疗保健"
    assert explained["reason"] == "关键词“血压仪”“高血压”“血压”指向医疗保健"
    assert explained["confident"] is True
    assert json.loads(json.dumps(explained, ensure_ascii=False)) == explained


@pytest.mark.parametrize("kind", [M, S])
def test_no_keyword_falls_back_by_kind_and_asks_a_person(kind):
    """With nothing matched: material → 扶贫帮困, spiritual → 便民利民, and not confident."""
    got = categorise("希望圆一个梦", "说不清楚", kind)
    assert got.category == FALLBACK_BY_KIND[kind] and got.confident is False
    assert got.evidence == {} and got.skills == []
    assert got.explain()["reason"].startswith("没有匹配到关键词")


def test_a_tie_between_the_top_two_categories_is_not_confident():
    """Equal scores for two categories leave the choice to a person and say so."""
    got = categorise("公园和垃圾", "", S)
    assert got.confident is False
    assert got.category in ("culture", "environment")
    assert set(got.evidence) == {"culture", "environment"}
    assert "得分相同" in got.explain()["reason"]


def test_a_tie_prefers_the_kinds_fallback_category():
    """Among tied categories the one the kind falls back to is shown first."""
    assert categorise("公园和买菜", "", S).category == "convenience"
    assert categorise("公园和书包", "", M).category == "poverty_relief"


def test_a_keyword_in_the_title_counts_double():
    """The same words decide differently depending on whether they are the title or the background."""
    assert categorise("想要棉被", "老伴瘫痪卧床", M).category == "poverty_relief"
    assert categorise("老伴瘫痪卧床", "想要棉被", M).category == "health"


def test_a_negated_keyword_does_not_count():
    """“不需要轮椅” does not count 轮椅; a negation does not reach past the end of its clause."""
    assert categorise("不需要轮椅，想要血压仪", "", M).evidence == {"health": ["血压仪"]}
    assert "帮忙买" not in found_keywords("不用帮忙买菜")
    assert found_keywords("不需要钱。想要轮椅") == ["轮椅"]


def test_a_keyword_inside_a_longer_one_counts_only_as_the_longer():
    """学习用品 is a thing to give, not tutoring; 心理辅导 is counselling, not homework help."""
    assert found_keywords("想要学习用品") == ["学习用品"]
    assert categorise("想要学习用品", "", M).skills == []
    assert categorise("需要心理辅导", "", S).skills == ["counselling"]


def test_ignored_phrases_hide_a_false_keyword():
    """处理发票 does not read as 理发."""
    assert "理发" not in found_keywords("帮忙处理发票")


def test_keyword_tables_use_only_known_codes_and_weights():
    """Every table key is a real category or skill code and every weight is 1, 2 or 3."""
    assert set(CATEGORY_KEYWORDS) == set(CATEGORIES)
    assert set(SKILL_KEYWORDS) <= set(SKILLS)
    assert set(FALLBACK_BY_KIND.values()) <= set(CATEGORIES)
    assert {w for table in CATEGORY_KEYWORDS.values() for w in table.values()} <= {1, 2, 3}
