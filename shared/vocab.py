"""Controlled vocabularies shared by wishes and claimers, each code with its Chinese label."""
from __future__ import annotations

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
ATTACHMENT_PURPOSES = {"wish_card": "心愿卡照片", "consent_card": "签字同意卡照片",
                       "other": "其他"}

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
