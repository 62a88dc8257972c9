"""The year's leaderboards as a page (Chinese, phone-sized): one board at a time, masked names."""
from __future__ import annotations

from flask import Blueprint

from services.scoring.leaderboards import http
from services.scoring.leaderboards.rules import BOARD_ZH, BOARDS, MEMBERS
from shared.access import public
from shared.clock import today_in_china
from shared.errors import ApiError
from shared.pages import render
from shared.web import as_api_error, page_or_json

bp = Blueprint("leaderboard_pages", __name__)


def _page(status: int = 200, wanted: dict | None = None, **context):
    wanted = wanted or http.query()
    found = http.answer(wanted)
    return render("leaderboards.html", status, boards=BOARDS, names_zh=BOARD_ZH,
                  year=found["year"], board=found["board"], items=found["items"], **context)


@bp.errorhandler(ApiError)
def _refused(refused):
    """A bad year or board: this year's members' board, with what was wrong above it."""
    err = as_api_error(refused)
    problems = [f["message"] for f in err.fields if f.get("message")]
    fallback = {"year": today_in_china().year, "board": MEMBERS}
    return page_or_json(err, "/leaderboards", lambda: _page(err.status, fallback,
                                                           error=err.message, problems=problems))


@bp.get("/leaderboards")
@public
def leaderboards():
    return _page()
