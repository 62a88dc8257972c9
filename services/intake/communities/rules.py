"""What makes a community: a code that starts with its district's, names, a usable meeting day."""
from __future__ import annotations

import re

from shared.meeting_day import DEFAULT, MeetingRule, problems

# A district's code has no hyphen: a community's district is the part of its code before the first.
DISTRICT = re.compile(r"\A[a-z0-9]{2,16}\Z")
# chuanhui-wenming, pudong-hangtou-heming: codes travel in URLs and events, so ASCII only.
CODE = re.compile(r"\A[a-z0-9]{2,16}(?:-[a-z0-9]+)+\Z")
CODE_MAX = 32
CHANGEABLE = ("name", "street", "district_name", "meeting_day")
_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7, "七": 7}
# 每月第1个周六, 第一个星期六, 每月第2个礼拜日 (the label MeetingRule.label writes, and its kin).
_LABEL = re.compile(r"\A(?:每月)?第([1-4一二三四])个?(?:周|星期|礼拜)([1-7一二三四五六日天])\Z")


def valid_code(code: str) -> bool:
    return len(code) <= CODE_MAX and CODE.match(code) is not None


def district_of(code: str) -> str:
    """chuanhui-wenming → chuanhui."""
    return code.split("-", 1)[0]


def meeting_day_problems(rule) -> list[str]:
    """What is wrong with a meeting day as given: both parts are required here."""
    if isinstance(rule, dict) and not {"nth", "weekday"} <= set(rule):
        return ["例会日须写明第几个（nth）和星期几（weekday）"]
    return problems(rule)


def default_meeting_day() -> dict:
    return dict(DEFAULT)


def meeting_day_of_label(text: str) -> dict | None:
    """每月第1个周六 → {"nth": 1, "weekday": 6}; None for a text that names no rule."""
    found = _LABEL.match(re.sub(r"\s+", "", text))
    if found is None:
        return None
    nth, weekday = (int(part) if part.isdigit() else _NUMERALS[part] for part in found.groups())
    return {"nth": nth, "weekday": weekday}


# A community that publishes each wish once it is verified (浦东's online wall) says so thus.
NO_MEETING_DAY = "不设例会日（审核通过即发布）"
_NO_MEETING_DAY = {"无", "不设", "不设例会日", "随时发布", "审核通过即发布", NO_MEETING_DAY}


def label(rule: dict | None) -> str:
    return MeetingRule.of(rule).label() if rule is not None else NO_MEETING_DAY


def no_meeting_day(text: str) -> bool:
    """无, 不设例会日, 随时发布 …: the community publishes at once."""
    return re.sub(r"\s+", "", text) in _NO_MEETING_DAY


def changes(current: dict, wanted: dict) -> dict:
    """The fields of `wanted` that differ from `current`: an update sending the same is none."""
    return {k: v for k, v in wanted.items() if k in CHANGEABLE and current.get(k) != v}


def districts_in_scope(scope) -> set[str] | None:
    """The districts an admin's account scope names (district or community codes); None = all."""
    return {district_of(code) for code in scope} if scope else None


def may_manage(scope, district: str) -> bool:
    allowed = districts_in_scope(scope)
    return allowed is None or district in allowed

