"""Honours over HTTP: the lists per status, each step of the official process, nominations for
the district's honour, the public list (names masked), the letters (PDF) and the lists (xlsx)."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from services.scoring.honours import actions, letters, lists, views
from services.scoring.honours.rules import (ISSUED, LISTED, REVOKED, STATUSES, number_text,
                                            refused)
from services.scoring.honours.schemas import HonourQuery, NominationSchema, StepSchema
from services.scoring.models import Honour
from shared.access import (DISTRICT_ADMIN, LIAISON, MEMBER, STREET_ADMIN, UNIT_ADMIN, allow,
                           in_scope, public, require_principal)
from shared.envelope import utcnow
from shared.web import load_json, uow, validated

bp = Blueprint("honours", __name__)
STAFF = (LIAISON, STREET_ADMIN, DISTRICT_ADMIN)
_QUERY, _NOMINATION, _STEP = HonourQuery(), NominationSchema(), StepSchema()


def query_args() -> dict:
    return validated(_QUERY, {k: v for k, v in request.args.items() if v})


def listed(honours) -> list[dict]:
    session = uow().session
    members, places = views.people(session, honours), views.places(session, honours)
    return [views.as_dict(h, members, places) for h in honours]


@bp.get("/api/v1/honours")
@allow(*STAFF)
def list_honours():
    """The year's honours the caller oversees, with a count per status (?status= for one)."""
    query, who = query_args(), require_principal()
    every = views.visible(uow().session, who, {**query, "status": None})
    counts = {s: 0 for s in STATUSES}
    for h in every:
        counts[h.status] += 1
    honours = [h for h in every if query.get("status") in (None, h.status)]
    return {"year": views.year_or_now(query.get("year")), "counts": counts,
            "items": listed(honours)}


@bp.get("/api/v1/honours/public")
@public
def public_list():
    """The public honour list: listed honours only, names masked (张*), with their titles."""
    query = query_args()
    session, year = uow().session, views.year_or_now(query.get("year"))
    honours = actions.public_list(session, year)
    members, places = views.people(session, honours), views.places(session, honours)
    return {"year": year, "items": [views.public_entry(h, members, places) for h in honours]}


@bp.get("/api/v1/honours/<honour_id>")
@allow(*STAFF)
def get_honour(honour_id: str):
    honour = views.one(uow().session, require_principal(), honour_id)
    return listed([honour])[0]


@bp.post("/api/v1/honours/<honour_id>/<any(select, review, issue, publish):step>")
@allow(*STAFF)
def take_step(honour_id: str, step: str):
    """The honour's next step, by the role whose step it is (honours.rules): 409 for a step out
    of order, 403 `wrong_role` for someone else's."""
    load_json(_STEP)
    who = require_principal()
    honour = views.one(uow().session, who, honour_id)
    actions.advance(uow(), who, honour.id, step, utcnow())
    uow().commit()
    return listed([honour])[0]


@bp.post("/api/v1/honours/nominations")
@allow(LIAISON, STREET_ADMIN)
def nominate():
    """Put a member of one's community above the street's threshold forward to the district."""
    data, who = load_json(_NOMINATION), require_principal()
    honour = actions.nominate(uow(), who, data["nominee"], data["year"], data["note"].strip(),
                              utcnow())
    uow().commit()
    return listed([honour])[0], 201


@bp.get("/api/v1/honours/<honour_id>/letter.pdf")
@allow(MEMBER, UNIT_ADMIN, *STAFF)
def letter(honour_id: str):
    """The issued letter: the member's own, their unit admin's, or the issuing bodies'."""
    who, session = require_principal(), uow().session
    honour = session.get(Honour, int(honour_id)) if honour_id.isdigit() else None
    if honour is None or not _may_read_letter(who, honour):
        raise refused(404, "not_found")
    if honour.status == REVOKED:
        raise refused(410, "honour_revoked", "status")
    if honour.status not in (ISSUED, LISTED):
        raise refused(409, "not_issued", "status")
    pdf = letters.render(views.letter_facts(session, honour))
    name = f"{number_text(honour.year, '表', honour.number)}.pdf"
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f"inline; filename=\"honour-{honour.id}.pdf\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store"})


def _may_read_letter(who, honour: Honour) -> bool:
    if who.role == MEMBER:
        return who.id == honour.member_id
    if who.role == UNIT_ADMIN:
        return bool(who.unit) and who.unit == honour.unit_code
    return who.role == DISTRICT_ADMIN or in_scope(who, honour.community_code or "")


@bp.get("/api/v1/honours/lists.xlsx")
@allow(*STAFF)
def honour_list():
    """The year's honours as a spreadsheet, for ?community=, ?street= or ?district= (what the
    caller oversees); revoked ones are in it, with their notice."""
    query, who, session = query_args(), require_principal(), uow().session
    honours = views.visible(session, who, query)
    members, places = views.people(session, honours), views.places(session, honours)
    rows = [(h, views.name_of(members, h.member_id),
             places[h.community_code].name if h.community_code in places else "",
             places[h.community_code].street if h.community_code in places else "")
            for h in honours]
    where = query.get("community") or query.get("street") or query.get("district") or "全部"
    year = views.year_or_now(query.get("year"))
    body = lists.workbook(f"{year}年度“圆梦微心愿”荣誉名单（{where}）", rows)
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet", headers={
        "Content-Disposition": f"attachment; filename=\"honours-{year}.xlsx\"",
        "Cache-Control": "private, no-store"})
