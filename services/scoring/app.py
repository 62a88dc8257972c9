"""Scoring's application factory, its points and unit-report APIs, and its message handlers."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import func, select

from services.scoring import ledger
from services.scoring.models import Base, LedgerEntry
from shared import topology
from shared.access import CLAIMERS, DISTRICT_ADMIN, UNIT_ADMIN, allow, require_principal
from shared.consumer import Handler
from shared.errors import ApiError
from shared.settings import from_env
from shared.web import make_app, uow

SERVICE = "scoring"
METADATA = Base.metadata

bp = Blueprint("points", __name__)


def _may_see(member_id: str) -> bool:
    """A member sees their own points, a unit admin their unit's members', the district all."""
    who = require_principal()
    if who.role == DISTRICT_ADMIN or who.id == member_id:
        return True
    if who.role == UNIT_ADMIN and who.unit:
        return uow().session.scalar(select(LedgerEntry.id).where(
            LedgerEntry.member_id == member_id, LedgerEntry.unit_code == who.unit).limit(1)) is not None
    return False


@bp.get("/api/v1/points/<member_id>")
@allow(*CLAIMERS, UNIT_ADMIN, DISTRICT_ADMIN)
def get_points(member_id: str):
    if not _may_see(member_id):
        raise ApiError(404, "not_found")
    session = uow().session
    entries = session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member_id)
                              .order_by(LedgerEntry.id)).all()
    return {"member_id": member_id, "total": ledger.total(session, member_id),
            "entries": [{"wish_id": e.wish_id, "claim_id": e.claim_id, "points": e.points,
                         "reason": e.reason, "at": e.at.isoformat()} for e in entries]}


@bp.get("/api/v1/reports/unit")
@allow(UNIT_ADMIN)
def unit_report():
    """The unit admin's own members and their points; never another unit's."""
    who = require_principal()
    rows = uow().session.execute(
        select(LedgerEntry.member_id, func.sum(LedgerEntry.points), func.count())
        .where(LedgerEntry.unit_code == who.unit).group_by(LedgerEntry.member_id)
        .order_by(LedgerEntry.member_id)).all()
    return {"unit_code": who.unit,
            "members": [{"member_id": m, "points": int(p), "deeds": n} for m, p, n in rows]}


def create_app(settings=None, db=None):
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db)
    app.register_blueprint(bp)
    return app


def handlers(settings) -> list[Handler]:
    return [Handler(topology.queue("scoring.wish-confirmed"), ledger.award)]
