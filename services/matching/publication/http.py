"""A liaison's hand on publication over HTTP: the scheduled wishes of their communities, and
opening one now, holding it back, or letting it go with its batch again."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from services.matching import config
from services.matching.errors import NotFound
from services.matching.models import Wish
from services.matching.publication import actions
from services.matching.web.http import community_names
from services.matching.web.views import wish_view
from shared.access import LIAISON, STREET_ADMIN, allow, in_communities, in_scope, require_principal
from shared.fields import Strict
from shared.web import load_json, uow

bp = Blueprint("publication", __name__)


class EmptySchema(Strict):
    """Nothing to send: the wish is in the path, who acts is whoever is logged in."""


def _scheduled_view(w: Wish, names) -> dict:
    return {**wish_view(w, names), "opens_at": w.opens_at.isoformat() if w.opens_at else None,
            "held": bool(w.held)}


def _own(wish_id: str) -> Wish:
    """A wish of one of the caller's communities; any other looks absent."""
    wish = uow().session.get(Wish, wish_id)
    if wish is None or not in_scope(require_principal(), wish.community_code):
        raise NotFound(wish_id)
    return wish


@bp.get("/api/v1/scheduled-wishes")
@allow(LIAISON, STREET_ADMIN)
def list_scheduled():
    """The caller's communities' wishes waiting for their meeting day, soonest first."""
    query = in_communities(select(Wish).where(Wish.status == "scheduled"), require_principal(),
                           Wish.community_code)
    wishes = uow().session.scalars(query.order_by(Wish.opens_at, Wish.id).limit(500)).all()
    names = community_names(wishes)
    return {"items": [_scheduled_view(w, names) for w in wishes]}


def _act(wish_id: str, step) -> dict:
    load_json(EmptySchema())
    wish = _own(wish_id)
    step(uow(), require_principal(), wish)
    uow().commit()
    return _scheduled_view(wish, community_names([wish]))


@bp.post("/api/v1/wishes/<wish_id>/publish-now")
@allow(LIAISON)
def publish_now(wish_id: str):
    return _act(wish_id, lambda unit, who, wish: actions.publish_now(unit, who, wish,
                                                                     config.current()))


@bp.post("/api/v1/wishes/<wish_id>/hold")
@allow(LIAISON)
def hold(wish_id: str):
    return _act(wish_id, actions.hold)


@bp.post("/api/v1/wishes/<wish_id>/resume")
@allow(LIAISON)
def resume(wish_id: str):
    return _act(wish_id, actions.resume)
