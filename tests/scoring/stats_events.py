"""Wish events as the other services send them, at the times a test says, for scoring's figures;
and 浦东's first round (the seed report's figures) built from them."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from services.scoring.app import handlers
from shared.clock import CHINA
from shared.envelope import delivered, make_event
from shared.vocab import CATEGORIES
from tests.factories import community_profile, member_profile

PUDONG = [("pudong-hangtou-heming", "鹤鸣村", "航头镇"), ("pudong-nanmatou", "南码头街道社区", "南码头街道"),
          ("pudong-gaoqiao", "高桥镇社区", "高桥镇")]
CHUANHUI = [("chuanhui-wenming", "文明社区", "七一路街道"), ("chuanhui-zhongzhou", "中州社区", "七一路街道")]
PRODUCERS = {"wish.submitted": "intake", "wish.erased": "intake", "wish.verified": "verification",
             "wish.rejected": "verification"}


def at(text: str) -> datetime:
    """A moment in China time: at("2016-02-01 08:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=CHINA)


def deliver(db, settings, events) -> None:
    """Deliver (queue, type, payload, when) events, in this order, to scoring's handlers, in one
    unit of work as a consumer's batch is."""
    apply = {h.queue.name: h.apply for h in handlers(settings)}
    with db.uow() as uow:
        for queue, type_, payload, when in events:
            env = make_event(type_, payload, PRODUCERS.get(type_, "matching"), payload.get("wish_id"))
            apply[queue](uow, delivered(replace(env, occurred_at=when)))
        uow.commit()


def community(code: str, name: str, street: str) -> tuple:
    district = code.split("-", 1)[0]
    return ("scoring.communities", "community.registered", community_profile(
        code=code, name=name, street=street, district=district,
        district_name={"pudong": "浦东新区", "chuanhui": "川汇区"}[district],
        meeting_day=None if district == "pudong" else {"nth": 1, "weekday": 6}), at("2016-01-01 08:00"))


def member(member_id: str, community_code: str, kind: str = "person", party_member: bool = True,
           org_type: str | None = None) -> tuple:
    return ("scoring.members", "member.registered", member_profile(
        member_id=member_id, kind=kind, party_member=party_member, community_code=community_code,
        org_code=member_id if kind == "organisation" else None, org_type=org_type,
        display_name="党员"), at("2016-01-01 08:00"))


def wish(type_: str, wish_id: str, when: datetime, **fields) -> tuple:
    """One wish event on scoring.wish-facts, its payload complete for its contract."""
    community_code = fields.pop("community_code", PUDONG[0][0])
    details = {"wish_id": wish_id, "source": "web", "source_ref": wish_id,
               "community_code": community_code, "title": "想要一部轮椅车", "description": "出行不便",
               "kind": fields.pop("kind", "material"), "wisher_display": "秦**",
               "wish_type": fields.pop("wish_type", "individual"),
               "urgent": fields.pop("urgent", False)}
    payload = {
        "wish.submitted": lambda: {**details, "wisher_sealed": "sealed", "id_number_hash": "h",
                                   "minor": False},
        "wish.verified": lambda: {**details, "contact_masked": {"phone": "139****1234"},
                                  "category": fields.pop("category", "health")},
        "wish.rejected": lambda: {"wish_id": wish_id, "source": "web", "source_ref": wish_id,
                                  "reasons": [{"code": "over_value", "message": "超过限额"}]},
        "wish.published": lambda: {"wish_id": wish_id, "source": "web", "source_ref": wish_id,
                                   "community_code": community_code, "title": "想要一部轮椅车"},
        "wish.erased": lambda: {"wish_id": wish_id},
    }.get(type_)
    if payload is None:  # a claim's step
        member_id = fields.pop("member_id")
        body = {"wish_id": wish_id, "claim_id": fields.pop("claim_id", f"c-{wish_id}"),
                "member_id": member_id, "community_code": community_code, "unit_code": None,
                "members": fields.pop("members", [])}
    else:
        body = payload()
    assert not fields, fields
    return ("scoring.wish-facts", type_, body, when)


def pudong_first_round() -> list[tuple]:
    """浦东's first round (2016 春节): 414 wishes, 390 individual and 24 team, 361 material and
    53 spiritual, every one claimed — 284 by party members, 80 by party organisations, 50 by
    citizens. The first was claimed four minutes after it was published; of the rest a third
    each one, two and three hours after. 300 were done (the first a day after publication, the
    rest two days), 250 of them confirmed."""
    events = [community(*c) for c in PUDONG + CHUANHUI]
    events += [member(f"pm-{n}", PUDONG[n % 3][0]) for n in range(60)]
    events += [member(f"om-{n}", PUDONG[2][0]) for n in range(8)]  # named by organisations
    events += [member(f"org-{n}", PUDONG[n % 3][0], "organisation", True, "party_org")
               for n in range(4)]
    events += [member(f"cz-{n}", PUDONG[n % 3][0], party_member=False) for n in range(25)]
    categories = list(CATEGORIES)
    for i in range(414):
        w, where = f"pd-{i:03d}", PUDONG[i % 3][0]
        collected = at("2016-01-25 09:00") + timedelta(minutes=i)
        published = at("2016-02-01 08:00") + timedelta(minutes=10 * i)
        details = {"community_code": where, "kind": "spiritual" if i < 53 else "material",
                   "wish_type": "team" if i >= 390 else "individual"}
        events += [wish("wish.submitted", w, collected, **details),
                   wish("wish.verified", w, collected + timedelta(hours=1), **details,
                        category=categories[i % 8]),
                   wish("wish.published", w, published, community_code=where)]
        claimed = published + (timedelta(minutes=4) if i == 0 else timedelta(hours=1 + i % 3))
        if i < 284:
            by = {"member_id": f"pm-{i % 60}"}
        elif i < 364:
            by = {"member_id": f"org-{i % 4}", "members": [f"om-{i % 8}", f"om-{(i + 1) % 8}"]}
        else:
            by = {"member_id": f"cz-{i % 25}"}
        events.append(wish("wish.claimed", w, claimed, community_code=where, **by))
        if i < 300:
            done = published + timedelta(days=1 if i == 0 else 2)
            events.append(wish("wish.fulfilled", w, done, community_code=where, **by))
        if i < 250:
            events.append(wish("wish.confirmed", w, done + timedelta(hours=3),
                               community_code=where, **by))
    return events


def chuanhui_round() -> list[tuple]:
    """川汇's November: five wishes in 文明社区 and one in 中州社区, outside 浦东's period; three
    published, two of them claimed by pm-0, one rejected."""
    events = []
    for i in range(6):
        w, where = f"ch-{i}", CHUANHUI[0 if i < 5 else 1][0]
        collected = at("2016-11-05 10:00") + timedelta(hours=i)
        events.append(wish("wish.submitted", w, collected, community_code=where))
        if i < 3:
            events += [wish("wish.verified", w, collected + timedelta(hours=2), community_code=where),
                       wish("wish.published", w, at("2016-12-03 09:00"), community_code=where)]
        if i < 2:
            events.append(wish("wish.claimed", w, at("2016-12-03 10:00"), community_code=where,
                               member_id="pm-0"))
        if i == 5:
            events.append(wish("wish.rejected", w, collected + timedelta(hours=2)))
    return events
