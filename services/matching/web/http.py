"""The wall over HTTP: published wishes, public and masked."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from services.matching.models import Wish
from services.matching.web.views import wish_view
from shared.access import public
from shared.errors import ApiError
from shared.web import uow

bp = Blueprint("wall", __name__)


def wall() -> list[Wish]:
    """Every wish waiting for a claimer, newest first."""
    return uow().session.scalars(
        select(Wish).where(Wish.status == "published").order_by(Wish.published_at.desc())
    ).all()


@bp.get("/api/v1/wishes")
@public
def list_wishes():
    return {"items": [wish_view(w) for w in wall()]}


@bp.get("/api/v1/wishes/<wish_id>")
@public
def get_wish(wish_id: str):
    w = uow().session.get(Wish, wish_id)
    if w is None:
        raise ApiError(404, "not_found")
    return wish_view(w)
