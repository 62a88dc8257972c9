"""The statistics over HTTP: the figures as JSON and as a spreadsheet, for street and district admins."""
from __future__ import annotations

from flask import Blueprint, Response, request

from services.scoring.stats import export, rows
from services.scoring.stats.figures import figures
from services.scoring.stats.schemas import Filters, filters
from shared.access import DISTRICT_ADMIN, STREET_ADMIN, allow, require_principal
from shared.web import uow

bp = Blueprint("stats", __name__)
ADMINS = (STREET_ADMIN, DISTRICT_ADMIN)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def report(args: dict) -> tuple[Filters, dict]:
    """The caller's filters (the address's query), checked, and the figures within their scope."""
    wanted = filters(args)
    allowed = rows.scope(require_principal(), wanted)
    session = uow().session
    return wanted, figures(rows.wishes(session, allowed, wanted),
                           rows.active_members(session, allowed, wanted),
                           rows.registered_members(session, allowed, wanted))


@bp.get("/api/v1/stats")
@allow(*ADMINS)
def get_stats():
    wanted, found = report(request.args.to_dict())
    return {"filters": wanted.query(), **found}


@bp.get("/api/v1/stats/export.xlsx")
@allow(*ADMINS)
def export_stats():
    """The same figures as an Excel workbook, one sheet a table."""
    wanted, found = report(request.args.to_dict())
    name = f"microwish-stats-{wanted.from_ or 'start'}-{wanted.to or 'now'}.xlsx"
    return Response(export.workbook(found, wanted), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
