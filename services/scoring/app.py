"""Scoring's application factory, its points API and its message handlers."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from services.scoring import ledger
from services.scoring.models import Base, LedgerEntry
from shared import topology
from shared.consumer import Handler
from shared.settings import from_env
from shared.web import make_app, uow

SERVICE = "scoring"
METADATA = Base.metadata

bp = Blueprint("points", __name__, url_prefix="/api/v1/points")


@bp.get("/<member_id>")
def get_points(member_id: str):
    session = uow().session
    entries = session.scalars(select(LedgerEntry).where(LedgerEntry.member_id == member_id)
                              .order_by(LedgerEntry.id)).all()
    return {"member_id": member_id, "total": ledger.total(session, member_id),
            "entries": [{"wish_id": e.wish_id, "claim_id": e.claim_id, "points": e.points,
                         "reason": e.reason, "at": e.at.isoformat()} for e in entries]}


def create_app(settings=None, db=None):
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db)
    app.register_blueprint(bp)
    return app


def handlers(settings) -> list[Handler]:
    return [Handler(topology.queue("scoring.wish-confirmed"), ledger.award)]
