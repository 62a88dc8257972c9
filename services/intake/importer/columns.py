"""The import file's columns: which field each holds, how its cells are read, and every header
(Chinese or English) and value label a liaison's spreadsheet may use for it."""
from __future__ import annotations

import re

from services.intake.submissions.schemas import METHODS, RELATIONS
from shared.contracts import KINDS
from shared.vocab import (CONSENT_METHODS, CONSENT_RELATIONS, KIND_LABELS, SKILLS, TARGET_GROUPS,
                          TIMES, WISH_TYPES)


def _labels(codes, labels: dict, **aliases) -> dict:
    """Every way a value may be written (code, Chinese label, alias) → its code."""
    found = {code: code for code in codes} | {label: code for code, label in labels.items()}
    return found | {alias: code for code, names in aliases.items() for alias in names.split()}


# (field path, how cells are read, headers accepted besides the path and its flat English key)
COLUMNS = [
    ("ref", "text", "编号 心愿编号"),
    ("community_code", "text", "社区编码 社区代码"),
    ("title", "text", "标题 心愿标题"),
    ("description", "text", "心愿内容 内容 描述"),
    ("kind", _labels(KINDS, KIND_LABELS, material="物质", spiritual="精神 服务 服务类"), "类型"),
    ("wish_type", _labels(WISH_TYPES, WISH_TYPES, individual="个人", team="团体 团队"),
     "个人/团体 心愿类型"),
    ("team.name", "text", "团队名称"),
    ("team.size", "int", "团队人数"),
    ("estimated_value", "int", "估计价值 价值"),
    ("urgent", "bool", "是否紧急 紧急"),
    ("skills", _labels(SKILLS, SKILLS), "所需技能 技能"),
    ("skills_other", "text", "其他技能"),
    ("preferred_times", _labels(TIMES, TIMES), "方便时间"),
    ("preferred_times_note", "text", "时间说明 方便时间说明"),
    ("wisher.name", "text", "许愿人姓名 许愿人 姓名"),
    ("wisher.id_number", "id", "身份证号 身份证号码 id_number"),
    ("wisher.phone", "phone", "手机 手机号 电话 联系电话 phone"),
    ("wisher.address", "text", "地址 住址 address"),
    ("wisher.target_groups", _labels(TARGET_GROUPS, TARGET_GROUPS), "帮扶对象类别 target_groups"),
    ("wisher.household_size", "int", "家庭人口 household_size"),
    ("wisher.household_monthly_income", "int", "家庭月收入 household_monthly_income"),
    ("consent.relation", _labels(RELATIONS, CONSENT_RELATIONS, relative="家属", agent="代办人"),
     "同意关系"),
    ("consent.method", _labels(METHODS, CONSENT_METHODS, in_person="当面同意 现场",
                               phone="电话同意", signed_card_photo="签字同意卡照片 签字卡"),
     "同意方式"),
    ("consent.name", "text", "同意人姓名 同意人"),
    ("consent.at", "datetime", "同意时间"),
    ("consent.photo_ref", "text", "同意卡照片编号 同意卡照片"),
]
LIST_FIELDS = {"skills", "preferred_times", "wisher.target_groups"}


def header_key(text: str) -> str:
    """Headers compare without spaces, case or notes in brackets: 类型（物质/精神） = 类型."""
    text = re.sub(r"\s+", "", str(text)).replace("（", "(").replace("）", ")").lower()
    return re.sub(r"\(.*?\)", "", text).replace(".", "_")


BY_HEADER = {header_key(name): (path, how) for path, how, names in COLUMNS
              for name in (path, *names.split())}
