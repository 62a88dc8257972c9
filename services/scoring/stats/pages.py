"""The statistics dashboard for street and district admins, and the scripts it draws with."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, request, send_from_directory

from services.scoring.stats import rows
from services.scoring.stats.export import TOTALS
from services.scoring.stats.http import ADMINS, report
from services.scoring.stats.schemas import Filters
from shared.access import allow, principal, public
from shared.errors import ApiError
from shared.pages import render
from shared.web import as_api_error, page_or_json, uow

bp = Blueprint("stats_pages", __name__)
STATIC = Path(__file__).resolve().parent.parent / "static"


def _dashboard():
    """The dashboard: the figures for the address's filters, or for none when they were refused."""
    status, error = 200, None
    try:
        wanted, found = report(request.args.to_dict())
    except ApiError as refused:  # said above the filters; the figures as if none were asked
        if refused.status not in (404, 422):
            raise
        error = "；".join(f"{f['field']}：{f['message']}" for f in refused.fields) or refused.message
        status = refused.status
        wanted, found = report({})
    options = rows.communities(uow().session, rows.scope(principal(), Filters()))
    return render("stats.html", status, found=found, wanted=wanted, error=error,
                  totals=TOTALS, options=options,
                  districts=sorted({(c.district, c.district_name) for c in options}),
                  streets=sorted({c.street for c in options}),
                  export=f"/api/v1/stats/export.xlsx?{urlencode(wanted.query())}")


@bp.errorhandler(ApiError)
def _refused(refused):
    """Not logged in: the login form, back here; any other refusal: the page says why."""
    err = as_api_error(refused)
    return page_or_json(err, request.full_path.rstrip("?"),
                        lambda: render("stats.html", err.status, found=None, error=err.message))


@bp.get("/stats")
@allow(*ADMINS)
def dashboard():
    return _dashboard()


@bp.get("/stats/static/<path:name>")
@public
def static(name: str):
    """ECharts and the dashboard's script, served from the project (no CDN)."""
    return send_from_directory(STATIC, name, max_age=86400)
