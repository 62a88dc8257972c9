"""The wall page and the claimer's pages; forms post with the session's CSRF token."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, redirect, request
from sqlalchemy import select

from services.matching import members as member_copies
from services.matching.claims.http import ClaimSchema, claim_as_caller
from services.matching.models import Wish
from services.matching.web import wall as wall_query
from services.matching.web.http import community_names, viewer_community, with_window
from shared.clock import CHINA
from shared.access import CLAIMERS, ORG_ADMIN, allow, principal, public
from shared.envelope import new_id, utcnow
from shared.errors import ApiError, DomainError
from shared.fields import text
from shared.pages import render
from shared.vocab import CATEGORIES, SKILLS, STATUS_LABELS, WISH_TYPES
from shared.web import as_api_error, page_or_json, reading, uow, validated

bp = Blueprint("pages", __name__)


class ClaimForm(ClaimSchema):
    """The claim form: the API's body, and the page's key (a double tap is one claim)."""

    key = text(1, 200, load_default=None)


def china_time(at) -> str:
    """An instant as a phone in China shows it: 12月7日 09:00."""
    at = at.astimezone(CHINA)
    return f"{at.month}月{at.day}日 {at:%H:%M}"


def render_page(template: str, status: int = 200, **context):
    return render(template, status, status_zh=STATUS_LABELS, categories=CATEGORIES, skills=SKILLS,
                  wish_types=WISH_TYPES, claim_key=new_id, china_time=china_time, **context)


def _cards(wishes: list[Wish], names: dict[str, str] | None = None, **context) -> dict:
    """What the wish cards need: each wish's community by name (looked up unless the wall's own
    statement read them), who may claim it now and when."""
    viewer, now = viewer_community(), utcnow()
    return {"wishes": wishes, "communities": community_names(wishes) if names is None else names,
            "windows": {w.id: with_window({}, w, viewer, now) for w in wishes}, **context}


def _wall(status: int = 200, **context):
    """The wall page: the API's filters and pages, from the address's query."""
    asked = {k: v for k, v in request.args.items() if v}  # the form sends its empty choices too
    try:
        args = wall_query.wall_args(asked)
    except ApiError as refused:  # said next to the filters; the wall as if none were asked
        asked, args, status = {}, wall_query.wall_args({}), 422
        context["error"] = "；".join(f"{f['field']}：{f['message']}" for f in refused.fields)
    with reading() as conn:
        wishes, total, after = wall_query.page(conn, args, viewer_community(), utcnow())
    more = urlencode({**asked, "after": after}) if after else None
    return render_page("wall.html", status, total=total, more=more, query=request.args,
                       **_cards(wishes, wall_query.names_of(wishes), **context))


@bp.errorhandler(ApiError)
@bp.errorhandler(DomainError)
def _refused(refused):
    """A refused page says why on the wall (or sends a visitor to log in, back to the wall)."""
    err = as_api_error(refused)
    back = request.path if request.method == "GET" else "/"
    return page_or_json(err, back, lambda: _wall(err.status, error=err.message))


@bp.get("/")
@public
def wall_page():
    return _wall()


@bp.get("/wishes/<wish_id>/claim")
@allow(*CLAIMERS)
def claim_page(wish_id: str):
    """Before an organisation claims: its admin ticks the members who serve."""
    return _pick(wish_id)


def _pick(wish_id: str, status: int = 200, err: ApiError | None = None, chosen=()):
    wish = uow().session.get(Wish, wish_id)
    if wish is None or wish.status == "scheduled":
        raise ApiError(404, "not_found")
    who = principal()
    people = member_copies.of_organisation(uow().session, who.org) if who.role == ORG_ADMIN else []
    return render_page("claim_pick.html", status, people=people, chosen=set(chosen),
                       error=err.message if err else None,
                       problems=[f["message"] for f in err.fields] if err else [],
                       **_cards([wish]))


@bp.post("/wishes/<wish_id>/claim")
@allow(*CLAIMERS)
def claim_form(wish_id: str):
    named = request.form.getlist("members")
    try:
        form = validated(ClaimForm(), {"members": named, "key": request.form.get("key") or None})
        claim_as_caller(wish_id, form["key"], form["members"])
    except (ApiError, DomainError) as refused:
        err = as_api_error(refused)
        if err.code == "already_claimed":
            return _lost(err)
        if err.status == 422 and named:  # the members named: ticked again, said why
            return _pick(wish_id, err.status, err, named)
        return _wall(err.status, error=_said(err))
    return redirect("/my/claims", 303)


def _said(err: ApiError) -> str:
    """Why, in Chinese: the fields' own words (the window says from when), else the code's."""
    return "；".join(f["message"] for f in err.fields if f.get("message")) or err.message


def _lost(err: ApiError):
    """Someone claimed the wish first: say so, and offer the similar wishes the 409 names."""
    ids = [w["id"] for w in err.extra.get("alternatives", [])]
    found = {w.id: w for w in uow().session.scalars(select(Wish).where(Wish.id.in_(ids)))}
    return render_page("claim_lost.html", err.status,
                       **_cards([found[i] for i in ids if i in found]))
