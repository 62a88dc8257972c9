"""The wall over HTTP: published wishes, public and masked."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint
from sqlalchemy import select

from services.matching import communities
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


def community_names(wishes: Iterable[Wish]) -> dict[str, str]:
    """The Chinese names of the wishes' communities, in one query for them all."""
    return communities.names(uow().session, (w.community_code for w in wishes))


@bp.get("/api/v1/wishes")
@public
def list_wishes():
    wishes = wall()
    names = community_names(wishes)
    return {"items": [wish_view(w, names) for w in wishes]}


@bp.get("/api/v1/wishes/<wish_id>")
@public
def get_wish(wish_id: str):
    w = uow().session.get(Wish, wish_id)
    if w is None or w.status == "scheduled":  # its batch opens together, on the meeting day
        raise ApiError(404, "not_found")
    return wish_view(w, community_names([w]))
