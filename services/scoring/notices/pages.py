"""The notices desk (Chinese): drafts to review, edit and issue for staff; issued notices for a
unit admin. Forms post with the session's CSRF token and come back to the desk."""
from __future__ import annotations

from flask import Blueprint, redirect, request

from services.scoring.notices import actions, rules, views
from services.scoring.notices.http import READERS, STAFF, draft_now, query_args
from services.scoring.notices.schemas import WordingSchema
from shared.access import allow, require_principal
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.pages import render
from shared.web import as_api_error, page_or_json, uow, validated

bp = Blueprint("notice_pages", __name__)
STEP_FORMS = "/notices/<notice_id>/<any(review, issue):step>"
_WORDING = WordingSchema()


def _desk(status: int = 200, query: dict | None = None, **context):
    query, who = query_args() if query is None else query, require_principal()
    rows = [views.as_dict(n, who) for n in views.visible(uow().session, who, query)]
    return render("notices.html", status, rows=rows, showing=query.get("status"),
                  statuses=rules.STATUSES, status_zh=rules.STATUS_ZH, step_zh=rules.STEP_ZH,
                  role_zh=rules.ROLE_ZH, staff=who.role in STAFF, **context)


@bp.errorhandler(ApiError)
def _refused(refused_):
    err = as_api_error(refused_)
    problems = [f["message"] for f in err.fields if f.get("message")]
    back = request.path if request.method == "GET" else "/notices"
    query = {} if err.status == 422 and request.method == "GET" else None
    return page_or_json(err, back, lambda: _desk(err.status, query, error=err.message,
                                                 problems=problems))


@bp.get("/notices")
@allow(*READERS)
def desk():
    return _desk()


@bp.post("/notices/drafts")
@allow(*STAFF)
def draft_form():
    drafted = draft_now(require_principal(), {})
    uow().commit()
    return redirect(f"/notices?m=已生成或更新{len(drafted)}份通报草稿", 303)


@bp.post("/notices/<notice_id>/wording")
@allow(*STAFF)
def wording_form(notice_id: str):
    who = require_principal()
    notice = views.one(uow().session, who, notice_id)
    data = validated(_WORDING, {"body": request.form.get("body", "")})
    actions.edit(uow(), who, notice, data["body"].strip(), utcnow())
    uow().commit()
    return redirect("/notices?m=已保存修改", 303)


@bp.post(STEP_FORMS)
@allow(*STAFF)
def step_form(notice_id: str, step: str):
    who = require_principal()
    notice = views.one(uow().session, who, notice_id)
    actions.advance(uow(), who, notice, step, utcnow())
    uow().commit()
    return redirect(f"/notices?m=已{rules.STEP_ZH[step]}：{notice.unit_name}", 303)
