"""Demo wishes from the seed reports' communities (川汇区 and 浦东), submitted through intake."""
from __future__ import annotations

from services.intake import submit
from shared.idnumber import check_char
from shared.pii import Sealer

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
]


def demo_id_number(birth: str, serial: int) -> str:
    """A well-formed, made-up ID number (region 410000 is 河南; check digit computed)."""
    first17 = f"410000{birth}{serial:03d}"
    return first17 + check_char(first17)


def seed(db, settings) -> int:
    """Submit the demo wishes once; re-running creates nothing new. Returns how many were new."""
    sealer = Sealer(settings.pii_keys)
    created = 0
    with db.uow() as uow:
        for n, (community, title, desc, kind, name, birth, phone) in enumerate(WISHES, start=1):
            wisher = {"name": name, "id_number": demo_id_number(birth, n), "phone": phone}
            data = {"community_code": community, "title": title, "description": desc,
                    "kind": kind, "wisher": wisher}
            _, new = submit.submit(uow, sealer, submit.WEB, f"demo-{n}", data)
            created += new
        uow.commit()
    return created
