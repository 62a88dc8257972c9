"""The honours desk (Chinese): the year's honours by status, and a button for each step the
viewer may take; forms post with the session's CSRF token and come back to the desk."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, redirect, request

from services.scoring.honours import actions, views
from services.scoring.honours.http import STAFF, query_args
from services.scoring.honours.rules import (LEVEL_ZH, ROLE_ZH, STATUS_ZH, STATUSES, STEP_ZH,
                                            refused)
from shared.pages import render
from shared.access import allow, require_principal
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.web import as_api_error, page_or_json, uow

bp = Blueprint("honour_pages", __name__)
STEP_FORMS = "/honours/<honour_id>/<any(select, review, issue, publish):step>"


def _desk(status: int = 200, query: dict | None = None, **context):
    query, who = query_args() if query is None else query, require_principal()
    year = views.year_or_now(query.get("year"))
    every = views.visible(uow().session, who, {**query, "status": None})
    showing = query.get("status")
    honours = [h for h in every if showing is None or h.status == showing]
    counts = {s: sum(1 for h in every if h.status == s) for s in STATUSES}
    rows = []
    session = uow().session
    members, places = views.people(session, honours), views.places(session, honours)
    for h in honours:
        row = views.as_dict(h, members, places)
        row["mine"] = row["next_step_by"] == who.role
        rows.append(row)
    return render("honours.html", status, year=year, rows=rows, counts=counts,
                       showing=showing, statuses=STATUSES, status_zh=STATUS_ZH,
                       step_zh=STEP_ZH, role_zh=ROLE_ZH, level_zh=LEVEL_ZH, **context)


@bp.errorhandler(ApiError)
def _refused(refused_):
    err = as_api_error(refused_)
    problems = [f["message"] for f in err.fields if f.get("message")]
    back = request.path if request.method == "GET" else "/honours"
    # A bad filter shows the desk without filters; a refused step, the desk as it was.
    query = {} if err.status == 422 and request.method == "GET" else None
    return page_or_json(err, back, lambda: _desk(err.status, query, error=err.message,
                                                 problems=problems))


@bp.get("/honours")
@allow(*STAFF)
def desk():
    return _desk()


@bp.post(STEP_FORMS)
@allow(*STAFF)
def step_form(honour_id: str, step: str):
    who = require_principal()
    honour = views.one(uow().session, who, honour_id)
    if honour is None:
        raise refused(404, "not_found")
    actions.advance(uow(), who, honour.id, step, utcnow())
    uow().commit()
    back = {"year": honour.year, "m": f"已{STEP_ZH[step]}：{LEVEL_ZH[honour.level]}"}
    if request.form.get("status"):
        back["status"] = request.form["status"]
    return redirect(f"/honours?{urlencode(back)}", 303)
