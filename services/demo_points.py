"""The demo's year so far on the points cards: 张建国 (the demo account `member`, 周口供电公司,
reported to 文明社区) has done ten deeds in 川汇's communities this year, crossing 20 and then
30 points, so his letter (通报表扬) and his star (社区志愿服务之星) wait on the honours desk; one
deed was corrected (a duplicate). 浦东's three members have a few deeds each.

Scoring never reads another service's tables: the past deeds reach it as the wish.claimed,
wish.fulfilled and wish.confirmed events matching would have sent, applied with scoring's own
handlers (the ledger prices them, the honours are drafted by the crossing, the statistics count
them). 张建国's claimer profile is made with intake's own action and reaches scoring over the bus.

Runs once: the deeds' claim ids are fixed, and a database that has the first is left as it is.
Off unless MICROWISH_DEMO_POINTS is `on` (`microwish run` turns it on; the tests choose)."""
from __future__ import annotations

import logging
import time
import uuid
from dataclasses import replace
from datetime import datetime, time as clock, timedelta

from sqlalchemy import select

from services.intake.accounts.models import Account
from services.intake.claimers import actions as claimers
from services.intake.claimers.models import Member as Profile
from services.scoring.app import handlers
from services.scoring.ledger import actions as ledger
from services.scoring.ledger.schemas import PointRuleSchema
from services.scoring.models import Community, LedgerEntry, Member, PointRuleRow
from shared.clock import CHINA, today_in_china
from shared.envelope import delivered, make_event, utcnow
from shared.pii import Sealer
from shared.tokens import Principal

log = logging.getLogger("microwish.demo")
MEMBER, HOME = "member", "chuanhui-wenming"
# 川汇's points rule this year (积分设置…合理设定分值): 2 a deed, a material wish 1 more, a
# spiritual one 2 more, an urgent one 1 more.
RULE = {"scope": "chuanhui", "base": "2", "material": "1", "spiritual": "2", "urgent": "1"}
# (who, community, title, kind, category, urgent); 张建国's reach 22 at the sixth, 32 at the ninth.
DEEDS = [
    (MEMBER, "chuanhui-wenming", "想要一根拐杖", "material", "health", False),
    (MEMBER, "chuanhui-zhongzhou", "孩子想要一个文具盒", "material", "poverty_relief", False),
    ("lihongmei", "pudong-gaoqiao", "想请人上门理发", "spiritual", "convenience", False),
    (MEMBER, "chuanhui-chenzhou", "周末想有人陪着说说话", "spiritual", "culture", False),
    (MEMBER, "chuanhui-wenchang", "每月帮忙买米买面买油", "spiritual", "convenience", False),
    ("wangzhiqiang", "pudong-gaoqiao", "活动室想请人打扫", "spiritual", "environment", False),
    (MEMBER, "chuanhui-jianzhong", "想在家里量血压", "material", "health", False),
    ("liufang", "pudong-nanmatou", "独居老人想有人聊天", "spiritual", "culture", False),
    (MEMBER, "chuanhui-wenming", "厨房的灯坏了想请电工", "spiritual", "convenience", True),
    ("wangzhiqiang", "chuanhui-zhongzhou", "想要一个台灯写作业", "material", "poverty_relief", False),
    (MEMBER, "chuanhui-zhongzhou", "想带孩子去公园看看", "spiritual", "culture", False),
    ("lihongmei", "pudong-gaoqiao", "想要一套学习资料", "material", "poverty_relief", False),
    (MEMBER, "chuanhui-chenzhou", "想要一套学习资料", "material", "poverty_relief", False),
    (MEMBER, "chuanhui-wenming", "天冷了想要一件棉衣", "material", "poverty_relief", False),
    ("liufang", "pudong-nanmatou", "想请人帮忙买药", "spiritual", "health", False),
    (MEMBER, "chuanhui-wenchang", "想看一场电影", "spiritual", "culture", False),
]
CORRECTED = 12  # 想要一套学习资料 of 陈州社区: another member had already done it
REASON = "经社区核实，该心愿已由其他党员完成，重复登记"
PROFILE = {"name": "张建国", "phone": "13803940001", "party_member": True,
           "unit_code": "zhoukou-power", "community_code": HOME,
           "skills": ["electrician", "appliance_repair"], "available_times": ["weekend_morning"]}
NAMESPACE = uuid.UUID("6f1d7c1e-3b0a-4d2e-9c55-2f6a0b7d9e10")


def enabled(env) -> bool:
    return env.get("MICROWISH_DEMO_POINTS", "off").lower() in ("on", "1", "true", "yes")


def claim_id(n: int) -> str:
    return str(uuid.uuid5(NAMESPACE, f"demo-deed-{n}"))


def run_when_ready(dbs: dict, settings, wait_seconds: float = 120.0) -> int | None:
    """Give 张建国 his profile, wait (polling, bounded) until scoring knows the demo's members
    and communities, then apply the year's deeds; how many entries were written, None if it
    never got there."""
    try:
        people = give_profile(dbs["intake"], settings)
    except Exception:  # a demo nicety: the platform serves on without it
        log.exception("demo points: no profile for %s", MEMBER)
        return None
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if _ready(dbs["scoring"], people):
            try:
                return play(dbs["scoring"], settings, people)
            except Exception:
                log.exception("demo points failed")
                return None
        time.sleep(0.5)
    log.warning("demo points: the demo's members did not reach scoring in %ss", wait_seconds)
    return None


def give_profile(db, settings) -> dict[str, Principal]:
    """张建国 reports (党员报到) to 文明社区, once; the players and the district by username."""
    names = {d[0] for d in DEEDS} | {"district"}
    with db.uow() as uow:
        accounts = {a.username: a for a in uow.session.scalars(
            select(Account).where(Account.username.in_(names)))}
        account = accounts[MEMBER]
        if uow.session.get(Profile, account.id) is None:
            claimers.create_profile(uow, Sealer(settings.pii_keys), account, dict(PROFILE))
        people = {u: Principal(id=a.id, role=a.role, name=a.display_name,
                               communities=tuple(a.communities or ()), unit=a.unit_code)
                  for u, a in accounts.items()}
        uow.commit()
    return people


def _ready(db, people: dict) -> bool:
    wanted = {p.id for u, p in people.items() if u != "district"}
    places = {d[1] for d in DEEDS} | {HOME}
    with db.uow() as uow:
        known = set(uow.session.scalars(select(Member.id).where(Member.id.in_(wanted))))
        home = uow.session.scalar(select(Member.community_code).where(
            Member.id == people[MEMBER].id))
        communities = set(uow.session.scalars(select(Community.code).where(
            Community.code.in_(places))))
    return known == wanted and home == HOME and communities == places


def when(n: int, now: datetime) -> datetime:
    """The n-th deed's confirmation: spread over this China year up to now, at 10:00 in 周口."""
    start = datetime(today_in_china(now).year, 1, 1, tzinfo=CHINA)
    day = (start + (now - start) * (n + 1) / (len(DEEDS) + 1)).astimezone(CHINA).date()
    at = datetime.combine(day, clock(10), CHINA)
    return min(at, now - timedelta(minutes=len(DEEDS) - n))


def play(db, settings, people: dict) -> int | None:
    """The rule, the deeds and the correction, each as the platform would commit it."""
    with db.uow() as uow:
        if uow.session.scalar(select(LedgerEntry.id).where(LedgerEntry.claim_id == claim_id(0))):
            log.info("demo points: already played")
            return None
    now, district = utcnow(), people["district"]
    start = datetime(today_in_china(now).year, 1, 1).date()
    with db.uow() as uow:
        if uow.session.scalar(select(PointRuleRow.id).where(PointRuleRow.scope == "chuanhui")) \
                is None:
            ledger.set_rule(uow, district, PointRuleSchema().load(
                {**RULE, "applies_from": start.isoformat()}), now)
            uow.commit()
    apply = {h.queue.name: h.apply for h in handlers(settings)}
    for n, (who, community, title, kind, category, urgent) in enumerate(DEEDS):
        member, at = people[who], when(n, now)
        payload = {"wish_id": str(uuid.uuid5(NAMESPACE, f"demo-wish-{n}")),
                   "claim_id": claim_id(n), "member_id": member.id, "community_code": community,
                   "unit_code": member.unit, "shares": [], "title": title, "kind": kind,
                   "wish_type": "individual", "category": category, "urgent": urgent}
        steps = (("wish.claimed", at - timedelta(days=3)), ("wish.fulfilled", at - timedelta(days=1)),
                 ("wish.confirmed", at))
        with db.uow() as uow:
            for type_, on in steps:
                event = delivered(replace(make_event(type_, payload, "matching"), occurred_at=on))
                apply["scoring.wish-facts"](uow, event)
                if type_ == "wish.confirmed":
                    apply["scoring.wish-confirmed"](uow, event)
            uow.commit()
    with db.uow() as uow:
        award = uow.session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.claim_id == claim_id(CORRECTED), LedgerEntry.reason == ledger.AWARD))
        ledger.reverse(uow, award, district.id, REASON, now)
        uow.commit()
    log.info("demo points played: %s deeds, one corrected", len(DEEDS))
    return len(DEEDS) + 1
