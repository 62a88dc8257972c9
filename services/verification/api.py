"""The liaisons' review queue: see the decisions on their communities' wishes, overturn a rejection."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from services.verification.handlers import announce
from services.verification.models import Review
from shared import audit
from shared.access import DISTRICT_ADMIN, LIAISON, STREET_ADMIN, allow, in_scope, require_principal
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.web import load_json, uow

bp = Blueprint("reviews", __name__, url_prefix="/api/v1/reviews")
_OVERSEERS = (LIAISON, STREET_ADMIN, DISTRICT_ADMIN)


class DecisionSchema(Schema):
    """A person's decision on an automated rejection (PIPL art. 24: a human can review it)."""

    class Meta:
        unknown = RAISE

    decision = fields.String(required=True,
                             validate=validate.OneOf(("verified",), error="invalid_choice"))
    note = fields.String(required=True, validate=validate.Length(1, 500, error="invalid_length"))


def review_view(r: Review) -> dict:
    return {"wish_id": r.wish_id, "community_code": r.community_code, "title": r.title,
            "kind": r.kind, "wisher": r.wisher_display, "minor": r.minor,
            "decision": r.decision, "decided_by": r.decided_by, "rules": r.rules,
            "decided_at": r.decided_at.isoformat()}


def _load(wish_id: str) -> Review:
    review = uow().session.get(Review, wish_id)
    if review is None or not in_scope(require_principal(), review.community_code):
        raise ApiError(404, "not_found")
    return review


@bp.get("")
@allow(*_OVERSEERS)
def list_reviews():
    who = require_principal()
    query = select(Review).order_by(Review.decided_at.desc()).limit(200)
    if who.role != DISTRICT_ADMIN:
        query = query.where(Review.community_code.in_(who.communities))
    return {"items": [review_view(r) for r in uow().session.scalars(query)]}


@bp.get("/<wish_id>")
@allow(*_OVERSEERS)
def get_review(wish_id: str):
    return review_view(_load(wish_id))


@bp.post("/<wish_id>/decision")
@allow(LIAISON)
def decide(wish_id: str):
    """The wish's own liaison overturns the rules' rejection; the wish goes on to be published."""
    data = load_json(DecisionSchema())
    who = require_principal()
    unit = uow()
    review = _load(wish_id)
    if review.decision != "rejected" or review.decided_by != "service":
        raise ApiError(409, "not_overridable")
    review.decision, review.decided_by, review.decided_at = "verified", who.id, utcnow()
    review.rules = [*review.rules, {"rule": "liaison_review", "passed": True,
                                    "code": "overturned", "reason": data["note"]}]
    announce(unit, review, [])
    audit.record(unit, who, "verification.overturned", "wish", review.wish_id,
                 review.community_code, {"decision": "verified"})
    unit.commit()
    return review_view(review)
