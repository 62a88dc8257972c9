"""The categoriser's keyword tables: data only, meant to be read and edited by the people who run it.

How they are used (services/verification/categorise.py):
- A keyword counts when it occurs in the title or the description; once per wish, however often.
- Weights: 3 = names the category on its own, 2 = a strong hint, 1 = a weak hint that only helps.
  A keyword in the title counts double: the title is the wish, the description its background.
- A keyword lying inside a longer keyword that also occurs there counts only as the longer one
  (“学习用品” is a thing to give, not “学习” to tutor; “心理辅导” is counselling, not tutoring).
- A keyword just after a negation in the same clause (“不需要轮椅”) does not count.
- The category with the highest total wins; a tie or no keyword at all goes to a person.

Decisions taken here (the seed reports do not say):
- Companionship and chats with a lonely elder are 文化娱乐 (spiritual and social life), not 便民利民,
  which we keep for practical chores: repairs, errands, haircuts, phones.
- Homework help and tutoring are 文化娱乐 (community usage: 文化教育).
- Medical aids (wheelchair, nursing bed, blood-pressure monitor) are 医疗保健 even as material
  wishes; everyday goods (clothes, school bags, food) are 扶贫帮困.
- Counselling (心理疏导) is 医疗保健: mental health is health.
- 政策宣传 is for "how do I get X" (低保, 医保 claims); 法律援助 for disputes about rights and money
  owed; 治安调解 for quarrels between neighbours and safety.
"""
from __future__ import annotations

# Phrases cut out of the text before matching: they contain a keyword but mean something else.
IGNORED_PHRASES = (
    "处理",  # 处理发票 would otherwise read as 理发
    "毛病",  # 电视出毛病 is a fault, not an illness (病)
)

# Said just before a keyword in the same clause, they undo it (“不需要轮椅，想要血压仪”).
NEGATIONS = ("不需要", "不用", "无需", "不要", "不想要")

CATEGORY_KEYWORDS: dict[str, dict[str, int]] = {
    "policy": {
        "政策": 3, "宣讲": 3, "怎么申请": 2, "如何申请": 2, "怎么办理": 2, "流程": 2, "手续": 2,
        "补贴": 2, "养老保险": 2, "社保": 2, "残疾证": 2, "公租房": 2, "廉租房": 2,
        "申请": 1, "报销": 1, "医保": 1, "低保": 1, "了解": 1, "咨询": 1, "待遇": 1,
    },
    "legal": {
        "法律": 3, "律师": 3, "赡养费": 3, "赡养": 3, "抚养费": 3, "工伤": 3, "讨薪": 3,
        "欠薪": 3, "拖欠工资": 3, "拖欠": 2, "起诉": 3, "官司": 3, "维权": 3, "离婚": 3,
        "遗产": 3, "继承": 3, "借钱不还": 3, "赔偿": 2, "合同": 2, "欠款": 2, "房产证": 2,
        "咨询": 1,
    },
    "health": {
        "医疗": 3, "医用": 3, "轮椅": 3, "拐杖": 3, "助行器": 3, "摇床": 3, "护理床": 3,
        "血压": 3, "血压仪": 3, "高血压": 3, "血糖": 3, "血糖仪": 3, "糖尿病": 3, "看病": 3,
        "就医": 3, "体检": 3, "康复": 3, "助听器": 3, "假牙": 3, "义诊": 3,
        "药": 2, "瘫痪": 2, "中风": 2, "卧床": 2, "护理": 2, "老花镜": 2,
        "心理疏导": 3, "心理辅导": 3, "心理": 2,
        "病": 1, "腿脚": 1,
    },
    "poverty_relief": {
        "扶贫": 3, "帮困": 3, "棉衣": 3, "棉裤": 3, "棉被": 3, "被子": 3, "冬衣": 3, "书包": 3,
        "文具": 3, "学习用品": 3, "作业本": 3, "米面油": 3, "生活用品": 3, "生活费": 3,
        "学费": 3, "资助": 3, "贫困": 2, "衣服": 2, "鞋": 2, "新学期": 2, "书桌": 2,
        "电风扇": 2, "取暖器": 2, "电暖器": 2, "暖气片": 2, "电热毯": 2, "洗衣机": 2, "捐": 2,
        "困难": 1, "低收入": 1, "低保": 1, "添置": 1, "装备": 1,
    },
    "convenience": {
        "便民": 3, "帮忙买": 3, "代买": 3, "代购": 3, "跑腿": 3, "买菜": 3, "理发": 3,
        "剪头发": 3, "剪发": 3, "理个发": 3, "灯坏": 3, "灯不亮": 3, "灯泡": 3, "水管": 3,
        "水龙头": 3, "马桶": 3, "下水道": 3, "搬家": 3, "搬运": 3, "搬东西": 3,
        "智能手机": 3, "电视坏": 3, "冰箱坏": 3, "洗衣机坏": 3, "空调坏": 3, "热水器坏": 3,
        "打扫卫生": 3,
        "维修": 2, "修理": 2, "电线": 2, "插座": 2, "跳闸": 2, "漏水": 2, "手机": 2, "电脑": 2,
        "微信": 2, "上网": 2, "送到家": 2, "送上门": 2, "接送": 2, "家电": 2, "打扫": 2,
        "家务": 2, "买米": 2, "买面": 2, "买油": 2, "取药": 2,
        "坏了": 1, "上门": 1,
    },
    "culture": {
        "文化": 3, "娱乐": 3, "公园": 3, "游览": 3, "参观": 3, "旅游": 3, "演出": 3, "表演": 3,
        "唱戏": 3, "戏曲": 3, "电影": 3, "文艺": 3, "书法": 3, "绘画": 3, "下棋": 3, "全家福": 3,
        "聊天": 2, "聊聊天": 2, "说说话": 2, "谈心": 2, "陪伴": 2, "解闷": 2, "孤单": 2,
        "读书": 2, "看书": 2, "图书": 2, "唱歌": 2, "跳舞": 2, "画画": 2, "辅导": 2, "作业": 2,
        "功课": 2, "补习": 2, "兴趣": 2, "拍照": 2, "照相": 2, "生日": 2,
        "学习": 1, "节日": 1,
    },
    "mediation": {
        "调解": 3, "纠纷": 3, "吵架": 3, "争吵": 3, "打架": 3, "治安": 3, "小偷": 3, "被盗": 3,
        "巡逻": 3, "矛盾": 2, "邻里": 2, "噪音": 2, "扰民": 2, "防盗": 2, "安全隐患": 2,
        "诈骗": 2, "防骗": 2,
        "邻居": 1,
    },
    "environment": {
        "环境": 3, "环保": 3, "垃圾": 3, "垃圾分类": 3, "绿化": 3, "种树": 3, "植树": 3,
        "脏乱差": 3, "花草": 2, "污水": 2, "臭味": 2, "异味": 2, "蚊虫": 2, "小广告": 2,
        "油烟": 2, "楼道": 2,
        "卫生": 1, "堆满": 1, "堆放": 1, "杂物": 1, "清理": 1, "小区": 1,
    },
}

# Any one of these in the text means the wish needs that skill.
SKILL_KEYWORDS: dict[str, tuple[str, ...]] = {
    "electrician": ("电工", "电线", "线路", "电路", "插座", "开关坏", "跳闸", "漏电", "灯坏",
                    "灯不亮", "换灯泡", "灯泡"),
    "plumbing": ("水管", "漏水", "水龙头", "下水道", "马桶", "管道", "水管维修"),
    "appliance_repair": ("家电维修", "家电坏", "电视坏", "冰箱坏", "洗衣机坏", "空调坏", "热水器坏",
                         "修电视", "修冰箱", "修洗衣机", "修空调"),
    "haircut": ("理发", "剪头发", "剪发", "理个发"),
    "health_care": ("护理", "康复训练", "体检", "义诊", "上门看病", "测血糖", "按摩"),
    "legal_advice": ("法律", "律师", "赡养费", "赡养", "抚养费", "工伤", "讨薪", "欠薪", "拖欠工资",
                     "起诉", "官司", "维权", "离婚", "遗产", "继承", "借钱不还"),
    "counselling": ("心理", "心理辅导", "心理疏导", "疏导", "想不开", "抑郁", "焦虑", "情绪"),
    "companionship": ("陪我", "陪着", "陪伴", "聊天", "聊聊天", "说说话", "谈心", "解闷"),
    "tutoring": ("辅导", "功课", "作业", "补习", "家教", "教孩子"),
    "errands": ("帮忙买", "代买", "代购", "跑腿", "买菜", "送到家", "送上门", "取药"),
    "moving": ("搬家", "搬运", "搬东西"),
    "cleaning": ("清理", "清洁", "打扫", "保洁", "大扫除", "擦窗", "擦玻璃"),
    "driving": ("接送", "开车", "送医"),
    "computer": ("手机", "智能手机", "电脑", "微信", "上网", "视频通话", "扫码"),
    "performance": ("演出", "表演", "唱戏", "戏曲", "文艺"),
    "photography": ("拍照", "照相", "摄影", "全家福"),
}

# With no keyword at all, a person decides; until then the wish sits here, by kind.
FALLBACK_BY_KIND = {"material": "poverty_relief", "spiritual": "convenience"}
