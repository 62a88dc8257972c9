"""Controlled vocabularies shared by every service: each code with its one Chinese label, and the
wish's life (its statuses in order and the events that report them)."""
from __future__ import annotations

from dataclasses import dataclass

TARGET_GROUPS = {
    "elderly_alone": "独居老人",
    "left_behind_child": "留守儿童",
    "disabled": "残疾人",
    "migrant_worker": "外来务工人员",
    "low_income": "低收入家庭",
}

# What a wish needs and what a claimer offers: the same list, so they can be matched.
SKILLS = {
    "electrician": "电工",
    "plumbing": "水管维修",
    "appliance_repair": "家电维修",
    "haircut": "理发",
    "health_care": "医疗保健",
    "legal_advice": "法律咨询",
    "counselling": "心理疏导",
    "companionship": "陪伴聊天",
    "tutoring": "辅导功课",
    "errands": "代购跑腿",
    "moving": "搬运",
    "cleaning": "清洁",
    "driving": "驾驶接送",
    "computer": "电脑手机",
    "performance": "文艺表演",
    "photography": "摄影",
}

# When a wisher would like help, or a claimer can serve.
TIMES = {
    "weekday_morning": "工作日上午",
    "weekday_afternoon": "工作日下午",
    "weekday_evening": "工作日晚上",
    "weekend_morning": "周末上午",
    "weekend_afternoon": "周末下午",
    "weekend_evening": "周末晚上",
}

WISH_TYPES = {"individual": "个人心愿", "team": "团体心愿"}
KIND_LABELS = {"material": "物质类", "spiritual": "精神类"}
# Who agreed to a wish being posted on the wisher's behalf, and how (PIPL: consent).
CONSENT_RELATIONS = {"self": "本人", "guardian": "监护人", "relative": "亲属", "agent": "代理人"}
CONSENT_METHODS = {"in_person": "当面", "phone": "电话", "signed_card_photo": "签字同意卡",
                   "self_service": "本人自助"}
ATTACHMENT_PURPOSES = {"wish_card": "心愿卡照片", "consent_card": "签字同意卡照片",
                       "other": "其他"}

# Why the rules left a wish to a person (wish.pending_review): the words its submitter reads,
# fixed, so nothing the rule read about the wisher travels with them.
REVIEW_REASONS = {
    "age_mismatch_partial": "年龄信息需社区核实", "registry_unavailable": "民政系统暂时无法查询，需社区核实",
    "income_missing": "家庭收入信息不全，需社区核实", "no_threshold": "本区尚未设定收入标准，需社区核实",
    "income_near_threshold": "家庭收入接近标准，需社区核实",
    "similar_household_wish": "同一家庭已有相似心愿，需社区核实",
    "category_unsure": "需社区联络员确定服务类别",
}
REVIEW_REASON_DEFAULT = "需社区联络员人工审核"

# What verification may ask a submitter for: the names intake's answer accepts (dotted into wisher).
INFO_FIELDS = {
    "wisher.id_number": "身份证号码", "wisher.target_groups": "帮扶对象类别",
    "wisher.household_size": "家庭人口", "wisher.household_monthly_income": "家庭月收入",
    "wisher.address": "住址", "wisher.phone": "联系电话", "description": "心愿描述",
    "estimated_value": "估计价值", "team": "团体名称和人数", "attachments": "照片（心愿卡、签字同意卡）",
}

# The eight service categories a liaison sorts wishes into (the seed reports' own list).
CATEGORIES = {
    "policy": "政策宣传",
    "legal": "法律援助",
    "health": "医疗保健",
    "poverty_relief": "扶贫帮困",
    "convenience": "便民利民",
    "culture": "文化娱乐",
    "mediation": "治安调解",
    "environment": "环境保护",
}


# The wish's life: each status it can be in, in the order it moves (it never moves back), with the
# one Chinese label every page and response shows, and what the submitter reads as the next step.
@dataclass(frozen=True)
class Status:
    code: str
    label: str
    rank: int
    next_step: str


WISH_STATUSES = (
    Status("received", "已受理", 0, "社区正在审核这个心愿。"),
    Status("needs_info", "需补充信息", 1, "审核需要补充信息，请按下方要求补充。"),
    Status("verified", "审核通过", 1, "审核已通过，等待发布到心愿墙。"),
    Status("rejected", "未通过审核", 1, "这个心愿未通过审核，原因见下方。"),
    Status("scheduled", "待发布", 2, "审核已通过，将在社区例会日发布到心愿墙。"),
    Status("published", "已发布", 3, "已发布到心愿墙，等待爱心人士认领。"),
    Status("claimed", "已认领", 4, "已有爱心人士认领，正在帮助实现。"),
    Status("fulfilled", "已完成", 5, "认领人已完成心愿，等待确认。"),
    Status("confirmed", "已确认完成", 6, "心愿已圆满实现。"),
)
# Steps in a wish's history that send it back rather than forward (see the intake Submission).
STEPS = {"pending_review": "等待社区人工审核", "resubmitted": "已补充信息", "reopened": "联络员重新审核", "released": "认领已取消",
         "opened_citywide": "全市可认领", "disputed": "未确认完成，退回认领人",
         "escalated": "已上报社区党组织"}
STATUS_RANK = {s.code: s.rank for s in WISH_STATUSES}
STATUS_LABELS = {**{s.code: s.label for s in WISH_STATUSES}, **STEPS}
NEXT_STEPS = {s.code: s.next_step for s in WISH_STATUSES}
CLOSED = ("confirmed", "rejected")

# Each event of a wish's life that its submitter follows, and the status or step it reports.
# Adding one: its contract (shared.contracts), its queue bindings (shared.topology), and here.
OUTCOMES = {
    "wish.pending_review": "pending_review",
    "wish.needs_info": "needs_info", "wish.verified": "verified", "wish.rejected": "rejected",
    "wish.reopened": "reopened", "wish.scheduled": "scheduled", "wish.published": "published",
    "wish.opened_citywide": "opened_citywide", "wish.escalated": "escalated",
    "wish.claimed": "claimed",
    "wish.released": "released", "wish.reinstated": "claimed",  # a release undone
    "wish.fulfilled": "fulfilled", "wish.disputed": "disputed", "wish.confirmed": "confirmed",
}


def label(status: str) -> str:
    """The Chinese label of a wish (or claim) status; the code itself for one nobody named."""
    return STATUS_LABELS.get(status, status)
