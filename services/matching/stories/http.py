"""圆梦故事 over HTTP: the public list and page, and each story's one photo."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from services.matching.stories import views
from services.matching.web.pages import render_page
from shared.access import public
from shared.errors import ApiError
from shared.photos import decode
from shared.web import uow, validated

bp = Blueprint("stories", __name__)
_QUERY = views.StoriesQuery()


def _page_of(args: dict) -> tuple[list[dict], str | None]:
    asked = validated(_QUERY, args)
    rows, after = views.page(uow().session, asked["limit"], asked.get("after"))
    return [views.story_view(*row) for row in rows], after


@bp.get("/api/v1/stories")
@public
def list_stories():
    """Confirmed wishes whose wisher agreed to be told in public, newest first."""
    items, after = _page_of(request.args.to_dict())
    return {"items": items, "next": after}


@bp.get("/api/v1/stories/<wish_id>/photo")
@public
def story_photo(wish_id: str):
    """A story's photo, in public; a wish that is no story has none (404)."""
    photo = views.photo_of(uow().session, wish_id)
    if photo is None:
        raise ApiError(404, "not_found")
    raw = decode(current_app.extensions["microwish.sealer"].open(photo.data_sealed))
    # a short cache: an erased story's photo must not linger in caches for long
    return Response(raw, mimetype=photo.content_type,
                    headers={"Cache-Control": "public, max-age=300",
                             "X-Content-Type-Options": "nosniff"})


@bp.get("/stories")
@public
def stories_page():
    """圆梦故事: the stories on a phone, a page at a time."""
    try:
        items, after = _page_of({k: v for k, v in request.args.items() if v})
    except ApiError:  # a stale or mangled link: the first page
        items, after = _page_of({})
    return render_page("stories.html", stories=items, more=after)
