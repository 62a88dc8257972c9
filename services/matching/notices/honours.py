"""A member's annual honour, as scoring announces it (honour.granted / honour.revoked): told to
the member, once per announcement."""
from __future__ import annotations

from services.matching.claims.points import figure
from services.matching.notices.actions import notify

TITLES = {"letter": "通报表扬", "star": "社区志愿服务之星", "district": "区级优秀在职党员"}


def on_honour(uow, event) -> None:
    honour = event.payload
    params = {"year": honour.year, "title": TITLES.get(honour.level, honour.level),
              "points": figure(honour.points)}
    if event.type == "honour.revoked":
        params["notice"] = honour.notice
    notify(uow, f"honour:{event.message_id}", honour.member_id, event.type, params)
