"""Notices over HTTP: the caller's list, one notice, drafting on demand, new wording, review
and issue by the notice's role, and the issued notice as a PDF for the unit it is addressed to."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from services.scoring.notices import actions, config, letters, rules, views
from services.scoring.notices.schemas import (
    DraftSchema,
    NoticeQuery,
    StepSchema,
    WordingSchema,
)
from shared.access import (
    DISTRICT_ADMIN,
    STREET_ADMIN,
    UNIT_ADMIN,
    allow,
    require_principal,
)
from shared.clock import today_in_china
from shared.envelope import utcnow
from shared.web import load_json, uow, validated

bp = Blueprint("notices", __name__)
STAFF = (STREET_ADMIN, DISTRICT_ADMIN)
READERS = (*STAFF, UNIT_ADMIN)
_DRAFT, _QUERY, _WORDING, _STEP = DraftSchema(), NoticeQuery(), WordingSchema(), StepSchema()


def query_args() -> dict:
    return validated(_QUERY, {k: v for k, v in request.args.items() if v})


@bp.get("/api/v1/notices")
@allow(*READERS)
def list_notices():
    """Staff: the notices they review and issue (?status=, ?kind=); a unit admin: their unit's
    issued notices."""
    who = require_principal()
    return {"items": [views.as_dict(n, who) for n in views.visible(uow().session, who,
                                                                    query_args())]}


def draft_now(who, data: dict) -> list:
    """Draft for the configured span or the one asked: a street admin their communities'
    inactive members, the district both kinds everywhere."""
    now = utcnow()
    today = today_in_china(now)
    span = (rules.asked_span(data["start"], data["end"], today) if data.get("start")
            else rules.scan_span(today, config.inactive_days()))
    if who.role == STREET_ADMIN:
        return actions.draft(uow(), who, span, now, (rules.INACTIVE,), set(who.communities))
    return actions.draft(uow(), who, span, now)


@bp.post("/api/v1/notices/drafts")
@allow(*STAFF)
def draft():
    data, who = load_json(_DRAFT), require_principal()
    notices = draft_now(who, data)
    uow().commit()
    return {"items": [views.as_dict(n, who) for n in notices]}, 201


@bp.get("/api/v1/notices/<notice_id>")
@allow(*READERS)
def get_notice(notice_id: str):
    who = require_principal()
    return views.as_dict(views.one(uow().session, who, notice_id), who)


@bp.patch("/api/v1/notices/<notice_id>")
@allow(*STAFF)
def reword(notice_id: str):
    """New wording before it is issued, by the notice's reviewer; the facts stay as found."""
    data, who = load_json(_WORDING), require_principal()
    notice = views.one(uow().session, who, notice_id)
    actions.edit(uow(), who, notice, data["body"].strip(), utcnow())
    uow().commit()
    return views.as_dict(notice, who)


@bp.post("/api/v1/notices/<notice_id>/<any(review, issue):step>")
@allow(*STAFF)
def take_step(notice_id: str, step: str):
    """409 for a step out of order, 403 `wrong_role` for someone else's, 404 out of scope."""
    load_json(_STEP)
    who = require_principal()
    notice = views.one(uow().session, who, notice_id)
    actions.advance(uow(), who, notice, step, utcnow())
    uow().commit()
    return views.as_dict(notice, who)


@bp.get("/api/v1/notices/<notice_id>/notice.pdf")
@allow(*READERS)
def notice_pdf(notice_id: str):
    """The issued notice: the unit's admin's, and the issuing staff's."""
    who = require_principal()
    notice = views.one(uow().session, who, notice_id)
    if notice.status != rules.ISSUED:
        raise rules.refused(409, "not_issued", "status")
    name = f"{rules.number_text(notice.year, notice.number)}.pdf"
    return Response(letters.render(notice), mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=\"notice-{notice.id}.pdf\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store"})
