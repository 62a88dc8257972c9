"""The points card page (积分卡, Chinese, phone-sized) for a claimer: every entry, each year's
total, this year's honours with their letters, and the choice to be on the leaderboard."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, redirect, request
from sqlalchemy import select

from services.scoring import communities
from services.scoring.card.rules import Entry, card, signed
from services.scoring.honours.rules import (ISSUED, LEVEL_ZH, LISTED, STATUS_ZH, number_text,
                                            points_zh)
from services.scoring.leaderboards import actions as boards, views as board_views
from services.scoring.models import Honour, LedgerEntry, Member
from shared.access import CLAIMERS, allow, require_principal
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.pages import render
from shared.pii import mask_name
from shared.web import as_api_error, page_or_json, uow

bp = Blueprint("card_pages", __name__)


def _card(status: int = 200, **context):
    who, session = require_principal(), uow().session
    rows = session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == who.id)
                           .order_by(LedgerEntry.id)).all()
    names = communities.names(session, (e.community_code for e in rows))
    years = card([Entry(e.id, e.title, names.get(e.community_code) if e.community_code else None,
                        e.points, e.at, e.reverses, e.note) for e in rows])
    this_year = today_in_china().year
    honours = [{"id": h.id, "title": LEVEL_ZH[h.level], "status": h.status,
                "status_zh": STATUS_ZH[h.status], "number": number_text(h.year, "表", h.number),
                "letter": h.status in (ISSUED, LISTED)}
               for h in session.scalars(select(Honour).where(
                   Honour.member_id == who.id, Honour.year == this_year).order_by(Honour.id))]
    member = session.get(Member, who.id)
    current = next((y for y in years if y.year == this_year), None)
    return render("card.html", status, years=years, this_year=this_year, current=current,
                  honours=honours, member=member, signed=signed, plain=points_zh,
                  shown_as=mask_name(member.display_name if member else who.name),
                  listed=board_views.listed(session, who.id), **context)


@bp.errorhandler(ApiError)
def _refused(refused):
    err = as_api_error(refused)
    problems = [f["message"] for f in err.fields if f.get("message")]
    return page_or_json(err, "/my/points", lambda: _card(err.status, error=err.message,
                                                         problems=problems))


@bp.get("/my/points")
@allow(*CLAIMERS)
def points_card():
    return _card()


@bp.post("/my/points/listing")
@allow(*CLAIMERS)
def listing_form():
    """The card's switch: on the members' leaderboard (masked) or off it."""
    choice = request.form.get("listed")
    if choice not in ("true", "false"):
        raise ApiError(422, "validation_failed", [{"field": "listed", "code": "invalid_choice",
                                                   "message": "请选择是否在排行榜显示"}])
    listed = choice == "true"
    boards.set_listed(uow(), require_principal(), listed, utcnow())
    uow().commit()
    said = "已设置为在排行榜显示（姓名只显示姓氏）" if listed else "已设置为不在排行榜显示"
    return redirect(f"/my/points?{urlencode({'m': said})}", 303)
