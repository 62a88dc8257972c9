"""The year's leaderboards over HTTP (public: masked names only) and a member's choice to be
left off the members' board."""
from __future__ import annotations

from flask import Blueprint, request

from services.scoring.leaderboards import actions, views
from services.scoring.leaderboards.rules import BOARD_ZH
from services.scoring.leaderboards.schemas import BoardQuery, PreferenceSchema
from shared.access import CLAIMERS, allow, public, require_principal
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.web import load_json, uow, validated

bp = Blueprint("leaderboards", __name__)
_QUERY, _PREFERENCE = BoardQuery(), PreferenceSchema()


def query() -> dict:
    """?year= (this China year by default) and ?board= members|units|communities; 422 else."""
    data = validated(_QUERY, {k: v for k, v in request.args.items() if v})
    return {"year": data["year"] or today_in_china().year, "board": data["board"]}


def answer(wanted: dict) -> dict:
    return {"year": wanted["year"], "board": wanted["board"], "board_zh": BOARD_ZH[wanted["board"]],
            "items": views.board(uow().session, wanted["year"], wanted["board"])}


@bp.get("/api/v1/leaderboards")
@public
def leaderboards():
    return answer(query())


@bp.get("/api/v1/leaderboard/preference")
@allow(*CLAIMERS)
def get_preference():
    who = require_principal()
    return {"listed": views.listed(uow().session, who.id)}


@bp.put("/api/v1/leaderboard/preference")
@allow(*CLAIMERS)
def put_preference():
    """Listed (masked) on the members' board, or left off it; the other boards count anyway."""
    data, who = load_json(_PREFERENCE), require_principal()
    actions.set_listed(uow(), who, data["listed"], utcnow())
    uow().commit()
    return {"listed": data["listed"]}

