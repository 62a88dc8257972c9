"""Valid things a test starts from: a submission, a sealed wisher, a published wish, a claimer."""
from __future__ import annotations

import copy
import struct
import uuid
import zlib

from services.matching.models import Wish
from shared.envelope import delivered, make_event, utcnow
from shared.idnumber import check_char
from shared.pii import Sealer, keyed_hash

OMIT = object()  # an override that leaves the key out, as a form or client would

COMMUNITY = "chuanhui-wenming"
# 李景荣, 74, living alone in 川汇区 on a small pension: the wisher of every factory wish.
NAME, PHONE = "李景荣", "13803941234"
STREET = "河南省周口市川汇区八一大道{}号"  # a house number for each made-up neighbour
ADDRESS = STREET.format(12)
ID_NUMBER = "41010219520314001X"  # born 14 March 1952; its check character is an X


# Every factory takes keyword overrides: a dict merges into the default's dict key by key (so
# submission(wisher={"name": "赵德明"}) keeps the rest of the wisher), anything else replaces the
# default, OMIT leaves the key out. Each call builds a fresh copy, so a test may change it.
def merged(default: dict, changes: dict) -> dict:
    """`default` with `changes`: dicts merged key by key, OMIT dropping a key; a fresh copy."""
    result = copy.deepcopy(default)
    for key, value in changes.items():
        if value is OMIT:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


_WISHER = {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE, "address": ADDRESS,
           "target_groups": ["elderly_alone"], "household_size": 1, "household_monthly_income": 900}


def wisher(**changes) -> dict:
    """李景荣 in full, as intake seals him: ID number, contact, target group and household."""
    return merged(_WISHER, changes)


def submission(**changes) -> dict:
    """A valid body for POST /api/v1/submissions: 李景荣 wants warm clothes, and consented."""
    return merged({"community_code": COMMUNITY, "title": "想要一套棉衣棉裤",
                   "description": "天冷了想给老伴买些棉衣棉裤。", "kind": "material",
                   "wisher": {"name": NAME, "id_number": ID_NUMBER, "phone": PHONE},
                   "consent": {"relation": "self", "method": "in_person",
                               "at": "2026-11-01T09:30:00+08:00"}}, changes)


def wish_submitted(settings, wisher: dict | None = None, **changes):
    """wish.submitted as intake sends it, delivered: the wisher sealed, the ID number hashed."""
    person = merged(_WISHER, wisher or {})
    payload = merged({"wish_id": str(uuid.uuid4()), "source": "web",
                      "source_ref": str(uuid.uuid4()), "community_code": COMMUNITY,
                      "title": "想要一个血压仪", "description": "患高血压多年，想在家里随时量血压。",
                      "kind": "material",
                      "wisher_display": "李**", "submitted_by": None, "estimated_value": 150,
                      "wisher_sealed": Sealer(settings.pii_keys).seal(person),
                      "id_number_hash": keyed_hash(settings.pii_hash_key, person["id_number"]),
                      "minor": False}, changes)
    return delivered(make_event("wish.submitted", payload, "intake", payload["wish_id"]))


def published_wish(wish_id: str, **changes) -> Wish:
    """A wish on matching's wall, as publication stores it; not yet added to any session."""
    return Wish(**merged({"id": wish_id, "community_code": COMMUNITY, "title": "想要一个血压仪",
                          "description": "患高血压多年", "kind": "material",
                          "wisher_display": "陈**", "source": "web", "source_ref": wish_id,
                          "status": "published", "published_at": utcnow()}, changes))


def member(**changes) -> dict:
    """A valid body for POST /api/v1/members: 张建国 of 周口供电公司 reports to his community."""
    return merged({"username": "zhangjianguo", "password": "baodao-2026", "name": "张建国",
                   "phone": "13803941234", "party_member": True, "unit_code": "zhoukou-power",
                   "community_code": COMMUNITY, "skills": ["electrician", "appliance_repair"],
                   "skills_other": "会修自行车", "available_times": ["weekend_morning"],
                   "available_times_note": "每月例会日可到社区"}, changes)


def member_profile(**changes) -> dict:
    """What member.registered says of 张建国: no phone, nothing private."""
    return merged({"member_id": "m-1", "kind": "person", "display_name": "张建国",
                   "party_member": True, "unit_code": "zhoukou-power", "unit_name": "周口供电公司",
                   "community_code": COMMUNITY, "skills": ["electrician"], "available_times": [],
                   "org_code": None, "org_type": None}, changes)


def community_profile(**changes) -> dict:
    """What community.registered says of 文明社区, 川汇区: it meets on the first Saturday."""
    return merged({"code": COMMUNITY, "name": "文明社区", "street": "七一路街道",
                   "district": "chuanhui", "district_name": "川汇区",
                   "meeting_day": {"nth": 1, "weekday": 6}}, changes)


def organisation(**changes) -> dict:
    """A valid body for POST /api/v1/members/organisations: a party branch and its first admin."""
    return merged({"organisation": {"code": "pudong-finance", "name": "浦东财务公司党支部",
                                    "type": "party_org", "community_code": COMMUNITY,
                                    "skills": ["errands"], "available_times": ["weekday_evening"]},
                   "admin": {"username": "finance-admin", "password": "baodao-2026", "name": "俞红",
                             "phone": "13917001234"}}, changes)


def community(**changes) -> dict:
    """A valid body for POST /api/v1/communities: 文明社区 of 川汇区, meeting on the first Saturday."""
    return merged({"code": COMMUNITY, "name": "文明社区", "street": "七一路街道",
                   "district": "chuanhui", "district_name": "川汇区",
                   "meeting_day": {"nth": 1, "weekday": 6}}, changes)


# The columns of an import file, as a liaison's spreadsheet has them.
IMPORT_HEADERS = ["编号", "社区编码", "标题", "心愿内容", "类型(物质/精神)", "是否紧急", "所需技能",
                  "许愿人姓名", "身份证号", "手机", "地址", "帮扶对象类别", "同意关系", "同意方式",
                  "同意人姓名", "同意时间"]


def import_row(n: int, **changes) -> dict:
    """The n-th row under the Chinese headers: an elderly wisher, consent given by a relative."""
    first17 = f"411602{1940 + n % 50}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
    return merged({"编号": f"W-{n}", "社区编码": COMMUNITY, "标题": f"想要一个血压仪{n}",
                   "心愿内容": "患高血压多年，想在家里随时量血压。", "类型(物质/精神)": "物质类",
                   "是否紧急": "否", "所需技能": "", "许愿人姓名": f"测试{n}号",
                   "身份证号": first17 + check_char(first17), "手机": f"1380000{n:04d}",
                   "地址": f"河南省周口市川汇区测试路{n}号", "帮扶对象类别": "独居老人",
                   "同意关系": "亲属", "同意方式": "当面", "同意人姓名": "测试亲属",
                   "同意时间": "2026-01-05 09:30"}, changes)


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (a gradient), built by hand so the tests need no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    row = bytearray(width * 3)
    row[0::3] = bytes(x * 255 // width for x in range(width))
    rows = []
    for y in range(height):
        row[1::3] = bytes([y * 255 // height]) * width
        rows.append(b"\x00" + bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(b"IEND", b""))
