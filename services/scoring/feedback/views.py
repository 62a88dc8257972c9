"""Reading feedback reports: the unit admin's own unit's, the district's every one."""
from __future__ import annotations

from sqlalchemy import select

from services.scoring.feedback.models import FeedbackReport
from services.scoring.feedback.rules import Half
from shared.access import DISTRICT_ADMIN, UNIT_ADMIN
from shared.errors import ApiError


def may_read(who, report: FeedbackReport) -> bool:
    if who.role == UNIT_ADMIN:
        return bool(who.unit) and who.unit == report.unit_code
    return who.role == DISTRICT_ADMIN


def visible(session, who, query: dict) -> list[FeedbackReport]:
    stmt = select(FeedbackReport).order_by(FeedbackReport.year.desc(), FeedbackReport.half.desc(),
                                           FeedbackReport.unit_code)
    if who.role == UNIT_ADMIN:
        stmt = stmt.where(FeedbackReport.unit_code == (who.unit or ""))
    elif who.role != DISTRICT_ADMIN:
        return []
    for column, key in ((FeedbackReport.year, "year"), (FeedbackReport.half, "half")):
        if query.get(key):
            stmt = stmt.where(column == query[key])
    return list(session.scalars(stmt))


def one(session, who, report_id: str) -> FeedbackReport:
    report = session.get(FeedbackReport, int(report_id)) if report_id.isdigit() else None
    if report is None or not may_read(who, report):
        raise ApiError(404, "not_found")
    return report


def summary(r: FeedbackReport) -> dict:
    """What anyone who may know of the report sees: no names."""
    half = Half(r.year, r.half)
    return {"id": r.id, "unit_code": r.unit_code, "unit_name": r.unit_name, "year": r.year,
            "half": r.half, "label": half.label, "generated_at": r.generated_at.isoformat(),
            "totals": r.facts["totals"],
            "pdf": f"/api/v1/reports/feedback/{r.id}/report.pdf",
            "xlsx": f"/api/v1/reports/feedback/{r.id}/report.xlsx"}
