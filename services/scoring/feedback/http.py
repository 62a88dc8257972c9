"""The half-yearly feedback over HTTP: a unit admin's own unit's reports (and the district's
every one), generated on demand by the district or a street admin, as PDF and xlsx."""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, request

from services.scoring.feedback import actions, documents, views
from services.scoring.feedback.rules import Half
from services.scoring.feedback.schemas import GenerateSchema, ReportQuery
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

bp = Blueprint("feedback", __name__)
READERS = (UNIT_ADMIN, DISTRICT_ADMIN)
_GENERATE, _QUERY = GenerateSchema(), ReportQuery()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def query_args() -> dict:
    return validated(_QUERY, {k: v for k, v in request.args.items() if v})


@bp.get("/api/v1/reports/feedback")
@allow(*READERS)
def list_reports():
    who = require_principal()
    return {"items": [views.summary(r) for r in views.visible(uow().session, who, query_args())]}


@bp.post("/api/v1/reports/feedback")
@allow(STREET_ADMIN, DISTRICT_ADMIN)
def generate():
    """Make (or make again) a half's reports, of one unit or all; the answer names no one."""
    data, who = load_json(_GENERATE), require_principal()
    reports = actions.generate(uow(), who, Half(data["year"], data["half"]), data["unit"],
                               utcnow())
    uow().commit()
    return {"items": [views.summary(r) for r in reports]}, 201


@bp.get("/api/v1/reports/feedback/<report_id>")
@allow(*READERS)
def get_report(report_id: str):
    report = views.one(uow().session, require_principal(), report_id)
    return {**views.summary(report), "members": report.facts["members"]}


@bp.get("/api/v1/reports/feedback/<report_id>/report.<any(pdf, xlsx):kind>")
@allow(*READERS)
def download(report_id: str, kind: str):
    report = views.one(uow().session, require_principal(), report_id)
    name = f"{report.unit_name}{Half(report.year, report.half).label}反馈.{kind}"
    if kind == "pdf":
        body, mimetype = documents.pdf(report.facts, today_in_china(report.generated_at)), \
            "application/pdf"
    else:
        body, mimetype = documents.xlsx(report.facts), XLSX
    ascii_name = f"feedback-{report.unit_code}-{report.year}-H{report.half}.{kind}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; "
                               f"filename*=UTF-8''{quote(name)}",
        "Cache-Control": "private, no-store"})
