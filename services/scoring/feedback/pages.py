"""The unit's page (Chinese): its half-yearly feedback reports and the notices issued to it, to
download; the district sees every unit's."""
from __future__ import annotations

from flask import Blueprint, request

from services.scoring.feedback import views
from services.scoring.feedback.http import READERS
from services.scoring.notices import views as notice_views
from shared.access import allow, require_principal
from shared.errors import ApiError
from shared.pages import render
from shared.web import as_api_error, page_or_json, uow

bp = Blueprint("feedback_pages", __name__)


@bp.errorhandler(ApiError)
def _refused(refused_):
    """A browser without a session goes to the login form and comes back here."""
    err = as_api_error(refused_)
    return page_or_json(err, request.path, lambda: render(
        "feedback.html", err.status, reports=[], notices=[], unit=None, error=err.message))


@bp.get("/feedback")
@allow(*READERS)
def unit_page():
    who, session = require_principal(), uow().session
    reports = [views.summary(r) for r in views.visible(session, who, {})]
    notices = [notice_views.as_dict(n, who) for n in notice_views.visible(
        session, who, {"status": "issued"})]
    return render("feedback.html", reports=reports, notices=notices, unit=who.unit)
