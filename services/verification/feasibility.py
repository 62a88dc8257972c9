"""What may be asked, and how often: one wish a round, no household repeats, the value cap, no cash
or cigarettes, teams that say who they are."""
from __future__ import annotations

from services.verification.case import DOUBT, FAIL, Case, RuleResult, result as _r

_BANNED_LABELS = {"cash": "现金", "gift_card": "购物卡、礼品卡", "alcohol": "酒类", "tobacco": "香烟"}


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
