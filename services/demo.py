"""Demo accounts for every role and demo wishes from the seed reports' communities (川汇区, 浦东)."""
from __future__ import annotations

from sqlalchemy import select

from services.intake.accounts.actions import create_account, hash_api_key
from services.intake.accounts.models import Account
from services.intake.claimers import actions as claimers
from services.intake.communities import actions as communities
from services.intake.communities.models import Community
from services.intake.submissions import actions as submit, personal, rules
from shared.envelope import utcnow
from shared.idnumber import check_char
from shared.pii import Sealer

# For the all-in-one only: it never runs with real data.
DEMO_PASSWORD = "demo-2026"
DEMO_API_KEY = "demo-gov-hotline-api-key"
CHUANHUI = ["chuanhui-wenming", "chuanhui-zhongzhou", "chuanhui-chenzhou", "chuanhui-wenchang",
            "chuanhui-jianzhong"]
_AREAS = {"chuanhui": "河南省周口市川汇区", "pudong": "上海市浦东新区"}
PUDONG = ["pudong-hangtou-heming", "pudong-nanmatou", "pudong-gaoqiao"]
DISTRICTS = {"chuanhui": "川汇区", "pudong": "浦东新区"}
# (code, name, street) of the seed reports' communities; each meets on the first Saturday.
COMMUNITIES = [
    ("chuanhui-wenming", "文明社区", "七一路街道"), ("chuanhui-zhongzhou", "中州社区", "七一路街道"),
    ("chuanhui-chenzhou", "陈州社区", "七一路街道"), ("chuanhui-wenchang", "文昌社区", "七一路街道"),
    ("chuanhui-jianzhong", "建中社区", "七一路街道"), ("pudong-hangtou-heming", "鹤鸣村", "航头镇"),
    ("pudong-nanmatou", "南码头街道社区", "南码头街道"), ("pudong-gaoqiao", "高桥镇社区", "高桥镇"),
]
# What the demo runs with unless told otherwise: 浦东's online wall is open to the whole city at
# once (the seed report: anyone in the city claims there); 川汇's wishes are for their community's
# members for the first 48 hours.
# The demo story (services/demo_story.py) plays itself out on the wall's 浦东 wishes; the year's
# deeds so far (services/demo_points.py) fill 张建国's points card up to his honours.
SETTINGS = {"MICROWISH_COMMUNITY_WINDOW_HOURS_BY_DISTRICT": "pudong=0", "MICROWISH_DEMO_STORY": "on",
            "MICROWISH_DEMO_POINTS": "on"}
# 川汇 publishes on the meeting day (例会日: the Saturday of the month's first week); 浦东's
# online wall takes each wish once it is verified.
MEETING_DAYS = {"chuanhui": {"nth": 1, "weekday": 6}, "pudong": None}

# (username, role, display name, scope)
ACCOUNTS = [
    ("resident", "resident", "王桂兰", {"communities": ["chuanhui-chenzhou"]}),
    ("liaison", "liaison", "川汇联络员", {"communities": CHUANHUI}),
    ("liaison-pudong", "liaison", "浦东联络员", {"communities": PUDONG}),
    ("member", "member", "张建国", {"unit_code": "zhoukou-power"}),
    ("org", "org_admin", "川汇区团委", {"org_code": "chuanhui-youth"}),
    ("unit", "unit_admin", "周口供电公司党委", {"unit_code": "zhoukou-power"}),
    ("street", "street_admin", "七一路街道", {"communities": CHUANHUI}),
    ("district", "district_admin", "川汇区民政局", {}),
    ("ops", "ops", "运维值班", {}),
]

# (community code, title, description, kind, wisher name, birth date, phone)
WISHES = [
    ("chuanhui-wenming", "想要一套棉衣棉裤", "老伴瘫痪二十多年，天冷了想给她买些棉衣棉裤，穿得暖和点。",
     "material", "李景荣", "19520314", "13803941234"),
    ("chuanhui-zhongzhou", "想要一个新书包", "五岁半的孩子一直想要一个带卡通图案的书包。",
     "material", "李翔", "20190507", None),
    ("chuanhui-chenzhou", "希望有人陪我聊聊天", "独居老人，子女在外地，希望周末有人来陪着说说话。",
     "spiritual", "王桂兰", "19440822", "13903945678"),
    ("chuanhui-wenchang", "帮忙买米买面", "腿脚不便，希望每月有人帮忙买米、买面、买油送到家。",
     "spiritual", "赵德明", "19480105", None),
    ("chuanhui-jianzhong", "想要一个血压仪", "患高血压多年，想在家里随时量血压。",
     "material", "陈秀英", "19500918", "13703941122"),
    ("pudong-hangtou-heming", "需要一部方便出行的轮椅车", "脑中风后腿脚不利索，出门十分不方便。",
     "material", "秦仁仙", "19460630", "13917001234"),
    ("pudong-nanmatou", "希望有一张医用摇床", "瘫痪在床七年，每次吃饭都要老伴用吊绳拉起，想减轻老伴负担。",
     "material", "罗建国", "19410212", None),
    ("pudong-gaoqiao", "孩子们想添置新学期的装备", "一家四口两人残疾，两个孩子想和别的孩子一样准备新学期。",
     "material", "沙明", "19830416", "13661002233"),
    ("pudong-gaoqiao", "想去公园看看", "困难家庭的孩子从没去过大公园，希望有人带着去游览一次。",
     "spiritual", "沙小雨", "20150901", None),
    ("pudong-nanmatou", "敬老院的老人想理个发", "敬老院二十位老人行动不便，想请几位会理发的志愿者上门。",
     "spiritual", "钱美华", "19700312", "13761001122"),
    ("pudong-gaoqiao", "残疾人之家想请人打扫卫生", "活动室很久没有打扫，想请几位志愿者一起打扫卫生、搬运桌椅。",
     "spiritual", "孙建平", "19750620", None),
]
# Team wishes (团体心愿): the group the wish is for; several members serve it together (帮帮团).
TEAMS = {
    "敬老院的老人想理个发": {"name": "南码头敬老院", "size": 20},
    "残疾人之家想请人打扫卫生": {"name": "高桥镇残疾人之家", "size": 12},
}
# What each wisher agreed to beyond the posting (anything left out: no): the liaison may tell a
# claimer their phone (share_phone), the deed may be shown as a 圆梦 story (publicity; a child's
# only because a guardian gave the consent).
CONSENTS = {
    "想要一套棉衣棉裤": {"share_phone": True, "publicity": True},
    "希望有人陪我聊聊天": {"share_phone": True},
    "需要一部方便出行的轮椅车": {"share_phone": True},
    "想要一个血压仪": {"publicity": True},
    "孩子们想添置新学期的装备": {"publicity": True},  # the demo story confirms it: a 圆梦 story
    "想要一个新书包": {"publicity": True},
    "想去公园看看": {"publicity": True},
    "敬老院的老人想理个发": {"publicity": True},
}
# Party members who reported (报到) to a community: who joins a team wish's group and whom an
# organisation names to serve. (username, name, community, skills)
MEMBERS = [
    ("lihongmei", "李红梅", "pudong-gaoqiao", ["haircut"]),
    ("wangzhiqiang", "王志强", "pudong-gaoqiao", ["cleaning", "moving"]),
    ("liufang", "刘芳", "pudong-nanmatou", ["companionship"]),
]


# For the review desk: wishes the rules reject (with reasons) or leave to the liaison.
DESK = [
    ("chuanhui-wenming", "过年想要一张超市购物卡", "想用购物卡买些年货。", "material", "孙大娘", "19460210", None),
    ("chuanhui-zhongzhou", "想要一台电动按摩椅", "腰腿疼，想在家按摩。", "material", "周文华", "19490611", None),
    ("chuanhui-chenzhou", "想要一个电暖器", "冬天屋里太冷，想要一个电暖器取暖。", "material", "吴玉珍", "19520923",
     "13903941010"),
    ("chuanhui-wenchang", "家里的灯坏了", "厨房的灯坏了好几天，自己够不着，想请电工师傅来修。", "spiritual",
     "郑国强", "19670708", None),
]
# What the desk wishes' wishers say beyond the usual: over the value cap, income just above the line.
FACTS = {
    "想要一台电动按摩椅": {"estimated_value": 1800},
    "想要一个电暖器": {"household_size": 2, "household_monthly_income": 2600},
    "家里的灯坏了": {"target_groups": ["elderly_alone", "disabled"]},
}


def demo_id_number(birth: str, serial: int) -> str:
    """A well-formed, made-up ID number (region 410000 is 河南; check digit computed)."""
    first17 = f"410000{birth}{serial:03d}"
    return first17 + check_char(first17)


def seed_accounts(session) -> None:
    """One account per role (and a government system client), once."""
    if session.scalar(select(Account.id).limit(1)) is not None:
        return
    for username, role, name, scope in ACCOUNTS:
        create_account(session, username, role, name, DEMO_PASSWORD, **scope)
    system, _ = create_account(session, "gov-hotline", "system", "12345 热线系统",
                               app_id="gov-hotline", broker_user="gov-hotline")
    system.api_key_hash = hash_api_key(DEMO_API_KEY)


def seed_members(uow, sealer) -> None:
    """The demo's reported party members, each announced (member.registered) once."""
    taken = set(uow.session.scalars(select(Account.username)))
    for n, (username, name, community, skills) in enumerate(MEMBERS, start=1):
        if username not in taken:
            claimers.register_person(uow, sealer, {
                "username": username, "password": DEMO_PASSWORD, "name": name,
                "phone": f"1380394{n:04d}", "party_member": True, "unit_code": "zhoukou-power",
                "community_code": community, "skills": skills,
                "available_times": ["weekend_morning"]})


def seed_communities(uow) -> int:
    """The seed reports' communities, each announced (community.registered) once."""
    known = set(uow.session.scalars(select(Community.code)))
    new = [c for c in COMMUNITIES if c[0] not in known]
    for code, name, street in new:
        district = code.split("-", 1)[0]
        communities.register(uow, {"code": code, "name": name, "street": street,
                                   "district": district, "district_name": DISTRICTS[district],
                                   "meeting_day": MEETING_DAYS[district]})
    return len(new)


def accounts_banner() -> str:
    lines = [f"  {username:<15} {role:<15} {name}" for username, role, name, _ in ACCOUNTS]
    lines += [f"  {username:<15} {'member':<15} {name}（{community}报到）"
              for username, name, community, _ in MEMBERS]
    return ("demo accounts (password " + DEMO_PASSWORD + "):\n" + "\n".join(lines)
            + f"\n  system client gov-hotline: X-Api-Key {DEMO_API_KEY}")


def _wish(n: int, community: str, title: str, desc: str, kind: str, name: str, birth: str,
          phone: str | None) -> dict:
    """A demo submission; its wisher fits the groups their age allows (or the overrides in FACTS)."""
    minor, elderly = int(birth[:4]) >= 2012, int(birth[:4]) <= 1966
    groups = ["left_behind_child"] if minor else ["elderly_alone"] if elderly else ["disabled", "low_income"]
    facts = {"target_groups": groups, "household_size": 3 if minor else 1 if elderly else 4,
             "household_monthly_income": 2400 if minor else 1100 if elderly else 3000,
             **FACTS.get(title, {})}
    value = facts.pop("estimated_value", None)
    wisher = {"name": name, "id_number": demo_id_number(birth, n), "phone": phone,
              "address": _AREAS[community.split("-")[0]] + f"{n}号楼{n}0{n}室", **facts}
    consent = {"relation": "guardian" if minor else "self", "method": "in_person",
               "name": name[0] + "监护人" if minor else None, "at": utcnow(), "photo_ref": None,
               **CONSENTS.get(title, {})}
    team = {"wish_type": "team", "team": TEAMS[title]} if title in TEAMS else {}
    return {"community_code": community, "title": title, "description": desc, "kind": kind,
            "wisher": wisher, "consent": consent, "urgent": n == 1, "estimated_value": value,
            **team}


def seed(db, settings) -> int:
    """Demo communities, accounts and wishes, posted by each community's liaison with the wisher's
    consent.

    Re-running creates nothing new. Returns how many wishes were new."""
    sealer = Sealer(settings.pii_keys)
    protection = personal.Protection(sealer, settings.pii_hash_key)
    created = 0
    with db.uow() as uow:
        seed_communities(uow)
        seed_accounts(uow.session)
        uow.session.flush()
        seed_members(uow, sealer)
        liaisons = uow.session.scalars(select(Account).where(Account.role == "liaison")).all()
        for n, (community, title, desc, kind, name, birth, phone) in enumerate(WISHES + DESK, start=1):
            liaison = next(a for a in liaisons if community in a.communities)
            by = submit.Submitter(rules.WEB, liaison.id, "liaison")
            data = _wish(n, community, title, desc, kind, name, birth, phone)
            _, new = submit.submit(uow, protection, by, f"demo-{n}", data)
            created += new
        uow.commit()
    return created
