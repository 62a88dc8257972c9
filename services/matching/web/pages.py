"""The wall page and the claimer's pages; forms post with the session's CSRF token."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, redirect, request
from sqlalchemy import select

from services.matching.claims.http import claim_as_caller
from services.matching.models import Claim, Wish
from services.matching.web import wall as wall_query
from services.matching.web.http import community_names, viewer_community, with_window
from shared.access import ANYONE, CLAIMERS, allow, principal, public
from shared.envelope import utcnow
from shared.errors import ApiError, DomainError
from shared.pages import render
from shared.vocab import CATEGORIES, SKILLS, STATUS_LABELS
from shared.web import as_api_error, reading, uow, validated

bp = Blueprint("pages", __name__)


def _render(template: str, status: int = 200, **context):
    return render(template, status, status_zh=STATUS_LABELS, categories=CATEGORIES, skills=SKILLS,
                  **context)


def _wall(status: int = 200, **context):
    """The wall page: the API's filters and pages, from the address's query."""
    asked = {k: v for k, v in request.args.items() if v}  # the form sends its empty choices too
    try:
        args = validated(wall_query.WALL_QUERY, asked)
    except ApiError as refused:  # said next to the filters; the wall as if none were asked
        asked, args, status = {}, wall_query.WALL_QUERY.load({}), 422
        context["error"] = "；".join(f"{f['field']}：{f['message']}" for f in refused.fields)
    viewer, now = viewer_community(), utcnow()
    with reading() as conn:
        wishes, total, after = wall_query.page(conn, args, viewer, now)
    windows = {w.id: with_window({}, w, viewer, now) for w in wishes}
    more = urlencode({**asked, "after": after}) if after else None
    return _render("wall.html", status, wishes=wishes, communities=wall_query.names_of(wishes),
                   windows=windows, total=total, more=more, query=request.args, **context)


@bp.get("/")
@public
def wall_page():
    return _wall()


@bp.post("/wishes/<wish_id>/claim")
@allow(*CLAIMERS)
def claim_form(wish_id: str):
    try:
        claim_as_caller(wish_id)
    except (ApiError, DomainError) as refused:
        err = as_api_error(refused)
        return _wall(err.status, error=err.message)
    return redirect("/my/claims", 303)


@bp.get("/my/claims")
@allow(ANYONE)
def my_claims_page():
    """A claimer's own claims, each with its wish in full; everyone else is sent to log in."""
    who = principal()
    if who is None or who.role not in CLAIMERS:
        return redirect("/login?next=/my/claims", 303)
    rows = uow().session.execute(
        select(Claim, Wish).join(Wish, Wish.id == Claim.wish_id)
        .where(Claim.member_id == who.id).order_by(Claim.claimed_at.desc())).all()
    return _render("my_claims.html", rows=rows,
                   communities=community_names(w for _c, w in rows))
