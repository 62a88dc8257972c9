"""Annual honours: which a year's points earn, who takes each step of their official process,
and how their documents are numbered. No I/O.

The process, per honour: drafted (on crossing) → reviewed → issued (numbered, dated) → listed
(the public list). The district's own honour starts as a nomination the district selects.
Who acts, by level (the reviewer speaks for the body the honour is in the name of; the issuer
is the next one up, who numbers and dates it):

  level     threshold   in the name of         reviews          issues
  letter    20 points   the community branch   liaison          street admin
  star      30 points   办事处党委              street admin     district admin
  district  star, and   区委                    district admin   district admin
            selected                           (nominated by a liaison or street admin)

A level is kept while the year's points stay at its threshold; a correction below it revokes
the honour with a numbered notice (〔2026〕撤字第N号), and it leaves the public list.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from shared.access import DISTRICT_ADMIN, LIAISON, STREET_ADMIN
from shared.clock import today_in_china
from shared.errors import ApiError, MESSAGES_ZH

LETTER, STAR, DISTRICT = "letter", "star", "district"
NOMINATED, DRAFTED, REVIEWED, ISSUED, LISTED, REVOKED = (
    "nominated", "drafted", "reviewed", "issued", "listed", "revoked")
STATUSES = (NOMINATED, DRAFTED, REVIEWED, ISSUED, LISTED, REVOKED)
STATUS_ZH = {NOMINATED: "已提名", DRAFTED: "待审核", REVIEWED: "待发文", ISSUED: "已发文",
             LISTED: "已公示", REVOKED: "已撤销"}
# step → (the status it starts from, the status it leaves); nothing skips one.
STEPS = {"select": (NOMINATED, DRAFTED), "review": (DRAFTED, REVIEWED),
         "issue": (REVIEWED, ISSUED), "publish": (ISSUED, LISTED)}
STEP_ZH = {"select": "选定", "review": "审核", "issue": "发文", "publish": "公示"}
ISSUE_SERIES, REVOKE_SERIES = "表", "撤"
NOMINATORS = (LIAISON, STREET_ADMIN)


@dataclass(frozen=True)
class Level:
    code: str
    title: str  # what the public list and the letter call it
    document: str  # the document's heading
    reviewer: str
    issuer: str
    selector: str | None = None  # who picks from nominations (the district's own honour)


LEVELS = {
    LETTER: Level(LETTER, "通报表扬", "通报表扬函", LIAISON, STREET_ADMIN),
    STAR: Level(STAR, "社区志愿服务之星", "嘉奖表彰决定", STREET_ADMIN, DISTRICT_ADMIN),
    DISTRICT: Level(DISTRICT, "区级优秀在职党员", "表彰决定", DISTRICT_ADMIN, DISTRICT_ADMIN,
                    selector=DISTRICT_ADMIN),
}
LEVEL_ZH = {code: level.title for code, level in LEVELS.items()}

# Codes of this area, with their Chinese (the shared table's for the rest).
HONOUR_MESSAGES = {
    "step_out_of_order": "须按顺序办理：起草 → 审核 → 发文 → 公示，不能跳过或重复",
    "wrong_role": "此步骤应由其他角色办理",
    "not_eligible": "该党员本年度积分未达到提名标准",
    "already_nominated": "该党员本年度已被提名或已获此荣誉",
    "not_issued": "该荣誉尚未发文，暂无函件",
    "honour_revoked": "该荣誉已撤销",
    "cjk_font_missing": "服务器上找不到中文字体，无法生成函件：请安装 fonts-noto-cjk，"
                        "或用 MICROWISH_CJK_FONT 指定字体文件",
}


class HonourError(ApiError):
    """An ApiError whose Chinese message may come from this area's codes."""

    @property
    def message(self) -> str:
        return HONOUR_MESSAGES.get(self.code) or MESSAGES_ZH.get(self.code, self.code)


def refused(status: int, code: str, field: str = "honour", detail: str | None = None):
    return HonourError(status, code, [{"field": field, "code": code,
                                       "message": detail or HONOUR_MESSAGES.get(code) or MESSAGES_ZH[code]}])


@dataclass(frozen=True)
class Thresholds:
    letter: Decimal = Decimal(20)
    star: Decimal = Decimal(30)

    def of(self, level: str) -> Decimal:
        return self.letter if level == LETTER else self.star  # the district's needs the star's


@dataclass(frozen=True)
class Counted:
    """A ledger entry as the honours count it: its points and the year they belong to."""

    points: Decimal
    year: int


def counted_year(at: datetime, reversed_at: datetime | None) -> int:
    """A correction counts in the China year of the deed it reverses (it undoes that year's
    deed), an award in the China year it was confirmed."""
    return today_in_china(reversed_at or at).year


def year_total(entries: list[Counted], year: int) -> Decimal:
    return sum((e.points for e in entries if e.year == year), Decimal(0))


def reached(total: Decimal, thresholds: Thresholds) -> list[str]:
    """The levels a year's total earns by itself (the district's is chosen, not reached)."""
    return [level for level in (LETTER, STAR) if total >= thresholds.of(level)]


def kept(level: str, total: Decimal, thresholds: Thresholds) -> bool:
    return total >= thresholds.of(level)


def may_nominate(total: Decimal, thresholds: Thresholds) -> bool:
    """A member above the street's threshold may be put forward for the district's honour."""
    return total >= thresholds.star


def check_step(level: str, status: str, step: str, role: str) -> str:
    """The status `step` leads to; refused if it is not the next step or not `role`'s."""
    start, end = STEPS[step]
    if status == REVOKED:
        raise refused(409, "honour_revoked", "status")
    if status != start:
        raise refused(409, "step_out_of_order", "status",
                      f"当前为“{STATUS_ZH[status]}”，不能办理“{STEP_ZH[step]}”")
    actor = actor_of(level, step)
    if role != actor:
        raise refused(403, "wrong_role", "role", f"“{LEVELS[level].document}”的"
                      f"{STEP_ZH[step]}应由{ROLE_ZH[actor]}办理")
    return end


def actor_of(level: str, step: str) -> str:
    spec = LEVELS[level]
    return {"select": spec.selector, "review": spec.reviewer, "issue": spec.issuer,
            "publish": spec.issuer}[step] or DISTRICT_ADMIN


ROLE_ZH = {LIAISON: "社区联络员", STREET_ADMIN: "街道管理员", DISTRICT_ADMIN: "区级管理员"}


def number_text(year: int, series: str, n: int | None) -> str | None:
    """〔2026〕表字第3号."""
    return f"〔{year}〕{series}字第{n}号" if n else None


def date_zh(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def points_zh(points: Decimal) -> str:
    """21 → "21", 20.50 → "20.5": as a letter writes a score."""
    text = f"{points:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@dataclass(frozen=True)
class LetterFacts:
    """What a letter says: which honour, to whom, from whom, numbered and dated."""

    level: str
    year: int
    number: str  # 〔2026〕表字第3号
    issued_on: date
    member_name: str  # in full: the letter goes to the member's unit, not the public
    unit_name: str | None
    points: Decimal
    community: str  # 文明社区
    street: str  # 七一路街道
    district: str  # 川汇区

    @property
    def issuer(self) -> str:
        """The body the honour is in the name of."""
        return {LETTER: f"{self.community}党支部", STAR: f"{self.street}办事处党委",
                DISTRICT: f"中共{self.district}委员会"}[self.level]

    def body(self) -> list[str]:
        """The letter's paragraphs, after the salutation."""
        unit = self.unit_name or "所在单位"
        deeds = (f"{self.year}年度积极参加{self.community}“圆梦微心愿”活动，认领并兑现群众"
                 f"微心愿，全年累计积分{points_zh(self.points)}分")
        if self.level == LETTER:
            return [f"贵单位在职党员{self.member_name}同志{deeds}，达到年度通报表扬标准。",
                    "特此致函，对该同志予以通报表扬，望贵单位予以肯定和鼓励。"]
        if self.level == STAR:
            return [f"{unit}在职党员{self.member_name}同志{deeds}。",
                    "经研究，决定对该同志予以嘉奖表彰，并授予“社区志愿服务之星”称号。"]
        return [f"{unit}在职党员{self.member_name}同志{deeds}，表现特别突出。",
                "经研究，决定授予该同志“区级优秀在职党员”称号，予以表彰。"]

    @property
    def salutation(self) -> str | None:
        """The letter is addressed to the unit; a commendation names it as copied."""
        return f"{self.unit_name or '所在单位'}：" if self.level == LETTER else None
