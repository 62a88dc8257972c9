"""Notices of who does not take part (川汇: 常年不参加社区活动的在职党员 are reported to their unit's
party organisation; units whose members hardly take part are reported by the district). No I/O.

  kind                 about                        drafted per               reviews, issues
  inactive_members     members with no deed         unit and community        street admin
                       in the span                  (the community reports)   (of the community)
  unit_participation   a unit whose members' share  unit and district         district admin
                       with a deed is below a rate

Process: drafted (by the scan or on demand) → reviewed (wording edited if need be) → issued
(numbered 〔2026〕通字第N号, dated); a draft whose facts are gone (everyone took part after all)
is withdrawn by the next scan, and drafted again if they come back.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from shared.access import DISTRICT_ADMIN, STREET_ADMIN
from shared.clock import CHINA
from shared.errors import MESSAGES_ZH, ApiError

INACTIVE, LOW_PARTICIPATION = "inactive_members", "unit_participation"
KINDS = (INACTIVE, LOW_PARTICIPATION)
KIND_ZH = {INACTIVE: "在职党员未参加社区活动情况通报", LOW_PARTICIPATION: "单位党员参与社区活动情况通报"}
DRAFTED, REVIEWED, ISSUED, WITHDRAWN = "drafted", "reviewed", "issued", "withdrawn"
STATUSES = (DRAFTED, REVIEWED, ISSUED, WITHDRAWN)
STATUS_ZH = {DRAFTED: "待审核", REVIEWED: "待发文", ISSUED: "已发文", WITHDRAWN: "已撤回"}
STEPS = {"review": (DRAFTED, REVIEWED), "issue": (REVIEWED, ISSUED)}
STEP_ZH = {"review": "审核", "issue": "发文"}
ACTOR = {INACTIVE: STREET_ADMIN, LOW_PARTICIPATION: DISTRICT_ADMIN}
ROLE_ZH = {STREET_ADMIN: "街道管理员", DISTRICT_ADMIN: "区级管理员"}
SERIES = "通"
EDITABLE = (DRAFTED, REVIEWED)

NOTICE_MESSAGES = {
    "step_out_of_order": "须按顺序办理：起草 → 审核 → 发文，不能跳过或重复",
    "wrong_role": "此步骤应由其他角色办理",
    "not_editable": "通报已发文或已撤回，不能再修改",
    "not_issued": "该通报尚未发文",
    "invalid_span": "起止日期不正确：开始日期须不晚于结束日期，且不晚于今天",
}


class NoticeError(ApiError):
    @property
    def message(self) -> str:
        return NOTICE_MESSAGES.get(self.code) or MESSAGES_ZH.get(self.code, self.code)


def refused(status: int, code: str, field: str = "notice", detail: str | None = None):
    return NoticeError(status, code, [{"field": field, "code": code, "message": detail or
                                       NOTICE_MESSAGES.get(code) or MESSAGES_ZH[code]}])


@dataclass(frozen=True)
class Span:
    start: date
    end: date  # inclusive
    period: str  # what makes a draft once per unit: 2026, or 2026-03-01~2026-05-31

    def instants(self) -> tuple[datetime, datetime]:
        return (datetime.combine(self.start, time(), CHINA),
                datetime.combine(self.end + timedelta(days=1), time(), CHINA))

    @property
    def label(self) -> str:
        return f"{date_zh(self.start)}至{date_zh(self.end)}"


def scan_span(today: date, days: int | None) -> Span:
    """The scan's span: the calendar year to date, or the last `days` days; either way its
    period is the year, so the scan keeps one draft per unit a year and refreshes it."""
    start = date(today.year, 1, 1) if days is None else today - timedelta(days=days - 1)
    return Span(start, today, str(today.year))


def asked_span(start: date, end: date, today: date) -> Span:
    """A span someone asked for on demand."""
    if start > end or end > today:
        raise refused(422, "invalid_span", "end")
    return Span(start, end, f"{start.isoformat()}~{end.isoformat()}")


def share(active: int, registered: int) -> Decimal:
    return (Decimal(active) / Decimal(registered)).quantize(Decimal("0.0001"), ROUND_HALF_UP) \
        if registered else Decimal(0)


def below(active: int, registered: int, rate: Decimal) -> bool:
    """A unit with registered members of whom fewer than `rate` took part (none registered:
    nothing to say)."""
    return registered > 0 and Decimal(active) < rate * registered


def percent(value: Decimal | str) -> str:
    return f"{(Decimal(value) * 100).quantize(Decimal('0.1'), ROUND_HALF_UP).normalize():f}%"


def check_step(kind: str, status: str, step: str, role: str) -> str:
    start, end = STEPS[step]
    if status != start:
        raise refused(409, "step_out_of_order", "status",
                      f"当前为“{STATUS_ZH[status]}”，不能办理“{STEP_ZH[step]}”")
    if role != ACTOR[kind]:
        raise refused(403, "wrong_role", "role",
                      f"此通报的{STEP_ZH[step]}应由{ROLE_ZH[ACTOR[kind]]}办理")
    return end


def number_text(year: int, n: int | None) -> str | None:
    return f"〔{year}〕{SERIES}字第{n}号" if n else None


def date_zh(on: date) -> str:
    return f"{on.year}年{on.month}月{on.day}日"


def issuer(kind: str, community: str, district: str) -> str:
    """The body the notice is in the name of: the community's party organisation, or 区委."""
    return f"{community}党组织" if kind == INACTIVE else f"中共{district}委员会组织部"


def wording(kind: str, unit: str, span: Span, facts: dict) -> str:
    """The draft's text: the facts, stated plainly and respectfully; a reviewer may edit it."""
    if kind == INACTIVE:
        return (f"根据在职党员到社区报到和“圆梦微心愿”活动的有关要求，{span.label}期间，"
                f"贵单位以下{len(facts['members'])}名在职党员已到{facts['community']}报到，"
                f"但尚未参加社区组织的活动。现将有关情况通报贵单位党组织，请予以关注，"
                f"并提醒有关同志积极参与社区活动、认领群众微心愿。")
    return (f"{span.label}期间，{unit}到{facts['district']}各社区报到的在职党员"
            f"{facts['registered']}名，其中参加社区活动的{facts['active']}名，参与率为"
            f"{percent(facts['share'])}，低于{percent(facts['rate'])}的要求。现予通报，"
            f"请贵单位党组织加强对在职党员的组织和宣传，推动党员积极参与社区活动。")
