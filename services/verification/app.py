"""Verification's application factory and its message handlers."""
from __future__ import annotations

from flask import Blueprint

from services.verification.handlers import make_verify
from services.verification.models import Base, Review
from shared import topology
from shared.consumer import Handler
from shared.errors import ApiError
from shared.pii import Sealer
from shared.settings import from_env
from shared.web import make_app, uow

SERVICE = "verification"
METADATA = Base.metadata

bp = Blueprint("reviews", __name__, url_prefix="/api/v1/reviews")


@bp.get("/<wish_id>")
def get_review(wish_id: str):
    review = uow().session.get(Review, wish_id)
    if review is None:
        raise ApiError(404, "not_found")
    return {"wish_id": review.wish_id, "decision": review.decision, "rules": review.rules,
            "decided_at": review.decided_at.isoformat()}


def create_app(settings=None, db=None):
    app = make_app(__name__, SERVICE, METADATA, settings or from_env(), db)
    app.register_blueprint(bp)
    return app


def handlers(settings) -> list[Handler]:
    return [Handler(topology.queue("verification.wish-submitted"),
                    make_verify(Sealer(settings.pii_keys)))]
