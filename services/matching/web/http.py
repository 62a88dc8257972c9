"""The wall over HTTP: published wishes, public and masked."""
from __future__ import annotations

from collections.abc import Iterable

from flask import Blueprint, request

from services.matching import communities
from services.matching.models import Member, Wish
from services.matching.publication.rules import may_claim
from services.matching.web import wall as wall_query
from services.matching.web.views import window_view, wish_view
from shared.access import CLAIMERS, allow, principal, public, require_principal
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.web import reading, uow

bp = Blueprint("wall", __name__)


def community_names(wishes: Iterable[Wish]) -> dict[str, str]:
    """The Chinese names of the wishes' communities, in one query for them all."""
    return communities.names(uow().session, (w.community_code for w in wishes))


def viewer_community() -> str | None | bool:
    """Where the logged-in claimer registered (报到); False for anyone who does not claim."""
    who = principal()
    if who is None or who.role not in CLAIMERS:
        return False
    member = uow().session.get(Member, who.id)
    return member.community_code if member is not None else None


def with_window(view: dict, w: Wish, viewer, now) -> dict:
    """Who may claim the wish now and from when; for a claimer, whether they may."""
    view = {**view, **window_view(w, now)}
    if viewer is not False:
        view["may_claim"] = w.status == "published" and may_claim(
            viewer, w.community_code, now, w.citywide_at or now)
    return view


@bp.get("/api/v1/wishes")
@public
def list_wishes():
    """The wall: filtered, searched, a page at a time (`next` is the following page's `after`)."""
    args = wall_query.wall_args(request.args.to_dict())
    viewer, now = viewer_community(), utcnow()
    with reading() as conn:
        wishes, total, after = wall_query.page(conn, args, viewer, now)
    names = wall_query.names_of(wishes)
    return {"items": [with_window(wish_view(w, names), w, viewer, now) for w in wishes],
            "total": total, "next": after}


@bp.get("/api/v1/wishes/for-you")
@allow(*CLAIMERS)
def wishes_for_you():
    """为你推荐: open wishes needing the member's skills, in or near their community."""
    member = uow().session.get(Member, require_principal().id)
    wishes, viewer, now = wall_query.for_you(uow().session, member), viewer_community(), utcnow()
    names = community_names(wishes)
    return {"items": [with_window(wish_view(w, names), w, viewer, now) for w in wishes]}


@bp.get("/api/v1/wishes/<wish_id>")
@public
def get_wish(wish_id: str):
    w = uow().session.get(Wish, wish_id)
    if w is None or w.status == "scheduled":  # its batch opens together, on the meeting day
        raise ApiError(404, "not_found")
    return with_window(wish_view(w, community_names([w])), w, viewer_community(), utcnow())
