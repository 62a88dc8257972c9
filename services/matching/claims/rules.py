"""Claim rules: which step a claim may take from where, and whom a claim concerns. No I/O."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from shared.access import LIAISON, ORG_ADMIN, RESIDENT, in_scope
from shared.clock import CHINA
from shared.tokens import Principal

# step → (the claim status it must be at, the status it moves to, the wish's status after it)
STEPS = {
    "release": ("claimed", "released", "published"),  # back on the wall
    "fulfil": ("claimed", "fulfilled", "fulfilled"),
    "confirm": ("fulfilled", "confirmed", "confirmed"),
    "dispute": ("fulfilled", "claimed", "claimed"),  # not done after all: back to the claimer
}
# Which event announces each step.
EVENTS = {"release": "wish.released", "fulfil": "wish.fulfilled", "confirm": "wish.confirmed",
          "dispute": "wish.disputed"}
# What a dispute says on the bus: the words stay with matching (they may name people).
NOT_DONE = {"code": "not_done", "message": "心愿人或联络员认为心愿尚未实现，已退回认领人"}


def concerns(who: Principal, member_id: str, community_code: str) -> bool:
    """A claim is the claimer's own business, and its wish's liaisons' and overseers'."""
    return member_id == who.id or in_scope(who, community_code)


def may_fulfil(who: Principal, member_id: str) -> bool:
    """Only the claimer reports their deed done."""
    return member_id == who.id


def may_confirm(who: Principal, community_code: str, submitted_by: str | None) -> bool:
    """The wish's own liaison, or the resident who posted it."""
    if who.role == RESIDENT:
        return submitted_by == who.id
    return who.role == LIAISON and in_scope(who, community_code)


def named_members_problems(role: str, named: list[str], registered: set[str]) -> list[dict]:
    """An organisation's admin names the registered members who serve; a member claims alone."""
    if named and role != ORG_ADMIN:
        return [{"field": "members", "code": "members_for_organisations",
                 "message": "只有组织管理员认领时才能指定参与的党员"}]
    return [{"field": f"members.{i}", "code": "unknown_member",
             "message": "该党员尚未报到登记，不能指定其参与"}
            for i, member_id in enumerate(named) if member_id not in registered]


def window_problem(citywide_at: datetime) -> dict:
    """Why someone outside the wish's community may not claim it yet, and from when they may."""
    at = citywide_at.astimezone(CHINA)
    return {"field": "citywide_at", "code": "community_window",
            "message": f"该心愿目前仅限本社区报到的党员认领，{at.month}月{at.day}日 {at:%H:%M} 起全市可认领",
            "citywide_at": citywide_at.isoformat()}


MAX_CAPACITY = 50  # the largest group (帮帮团) a wish may ask for


def round_of(batch: str | None, published_at: datetime | None) -> str | None:
    """The round a claim counts in: its wish's meeting-day batch, or for a wish that opened at
    once the month (China time) it opened in."""
    if batch:
        return batch
    return f"month:{published_at.astimezone(CHINA):%Y-%m}" if published_at else None


def capacity_problems(capacity: int, status: str, joined: int) -> list[dict]:
    """A liaison may set how many serve together (1: one claimer) before the wish is claimed,
    and while its group forms, never below the members who have joined."""
    if status not in ("scheduled", "published", "claimed"):
        return [{"field": "capacity", "code": "invalid_state",
                 "message": "心愿已完成或已撤下，不能再修改人数"}]
    if joined > capacity:
        return [{"field": "capacity", "code": "below_joined",
                 "message": f"已有 {joined} 人加入，人数不能少于 {joined}"}]
    return []


def due_on(deadline: date | None, claimed_at: datetime, days: int) -> date:
    """When a claim must be done: its wish's deadline (verification's service standard), else
    `days` after the day it was claimed (China time)."""
    return deadline or claimed_at.astimezone(CHINA).date() + timedelta(days=days)


# Why a claimer (or the liaison) gives a claim up; "other" needs the words.
RELEASE_REASONS = {
    "no_time": "时间冲突，无法按时完成",
    "cannot_do": "能力或条件不足，无法完成",
    "wisher_unreachable": "联系不上心愿人",
    "wisher_declined": "心愿人不再需要",
    "other": "其他原因",
}


def release_problems(reason: str, note: str | None) -> list[dict]:
    """A release says why, from the list; "other" says it in words."""
    if reason not in RELEASE_REASONS:
        return [{"field": "reason", "code": "invalid_choice",
                 "message": "请选择取消认领的原因：" + "、".join(RELEASE_REASONS.values())}]
    if reason == "other" and not (note or "").strip():
        return [{"field": "note", "code": "required",
                 "message": "选择“其他原因”时请写明原因"}]
    return []


# Why the platform itself gave a claim up.
SYSTEM_REASONS = {"group_emptied": "帮帮团成员已全部退出",
                  "overdue": "超过完成期限未完成，系统自动取消"}


def reason_view(code: str | None) -> list[dict]:
    """A release's reason as events and answers carry it: its code and what it says."""
    if code is None:
        return []
    return [{"code": code, "message": RELEASE_REASONS.get(code) or SYSTEM_REASONS.get(code, code)}]


def reinstate_problems(claim_status: str, team: bool, wish_status: str,
                       wish_claim: str | None) -> list[dict]:
    """A liaison may undo a release while the wish is still open and nobody else has taken it;
    a group (帮帮团) that broke up forms again by its members joining."""
    if claim_status != "released":
        return [{"field": "claim", "code": "invalid_state", "message": "只有已取消的认领可以恢复"}]
    if team:
        return [{"field": "claim", "code": "team_claim",
                 "message": "帮帮团的认领不能恢复，请成员重新加入"}]
    if wish_status != "published" or wish_claim is not None:
        return [WISH_TAKEN]
    return []


WISH_TAKEN = {"field": "claim", "code": "wish_taken",
              "message": "心愿已被他人认领或已不在心愿墙上，不能恢复这次认领"}
