"""The review desk's JSON API: a liaison's queue, one wish in full, and the desk's actions."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from sqlalchemy import case, select

from services.verification import decision as d
from services.verification.desk import actions as desk
from services.verification.desk.schemas import (AskSchema, BulkApproveSchema, EditSchema,
                                                NoteSchema, RejectSchema, ReopenSchema)
from services.verification.desk.views import review_view
from services.verification.models import Review
from shared import audit
from shared.access import (DISTRICT_ADMIN, LIAISON, STREET_ADMIN, allow, in_communities, in_scope,
                           require_principal)
from shared.errors import ApiError, DomainError
from shared.web import as_api_error, load_json, uow

bp = Blueprint("reviews", __name__, url_prefix="/api/v1/reviews")
OVERSEERS = (LIAISON, STREET_ADMIN, DISTRICT_ADMIN)
STATES = (d.PENDING, d.NEEDS_INFO, d.VERIFIED, d.REJECTED)


def queue(status: str | None = None, community: str | None = None, limit: int = 200) -> list[Review]:
    """The caller's communities' reviews (or one of them): urgent and oldest first among those waiting."""
    who = require_principal()
    query = select(Review).order_by(
        case((Review.decision == d.PENDING, 0), else_=1), Review.urgent.desc(),
        Review.received_at, Review.wish_id).limit(limit)
    if status:
        if status not in STATES:
            raise ApiError(422, "validation_failed", [{"field": "status", "code": "invalid_choice",
                                                      "message": "审核状态不在允许范围内"}])
        query = query.where(Review.decision == status)
    query = in_communities(query, who, Review.community_code)
    if community:
        query = query.where(Review.community_code == community)
    return list(uow().session.scalars(query))


def load(wish_id: str, for_update: bool = False) -> Review:
    """One review the caller may see; locked when it is about to change."""
    review = uow().session.get(Review, wish_id, with_for_update=for_update or None)
    if review is None or not in_scope(require_principal(), review.community_code):
        raise ApiError(404, "not_found")
    return review


def wisher_for(review: Review) -> dict | None:
    """The wisher's data in clear, for the wish's own liaison only; each look is audited."""
    who = require_principal()
    if who.role != LIAISON or not review.wisher_sealed:
        return None
    audit.record(uow(), who, "personal_data.viewed", "wish", review.wish_id, review.community_code,
                 {"fields": ["wisher"]})
    return current_app.extensions["microwish.sealer"].open(review.wisher_sealed)


def act(wish_id: str, action, *args) -> Review:
    """Run one desk action on one locked review and commit it."""
    unit = uow()
    review = load(wish_id, for_update=True)
    action(unit, require_principal(), review, *args)
    unit.commit()
    return review


@bp.get("")
@allow(*OVERSEERS)
def list_reviews():
    return {"items": [review_view(r) for r in queue(request.args.get("status"),
                                                    request.args.get("community"))]}


@bp.get("/<wish_id>")
@allow(*OVERSEERS)
def get_review(wish_id: str):
    return review_view(load(wish_id))


@bp.get("/<wish_id>/personal")
@allow(LIAISON)
def get_personal(wish_id: str):
    """The wisher in clear, for the wish's own liaison checking eligibility; the look is audited."""
    review = load(wish_id)
    wisher = wisher_for(review)
    if wisher is None:
        raise ApiError(404, "not_found")
    uow().commit()
    return {"wish_id": review.wish_id, "wisher": wisher}


@bp.patch("/<wish_id>")
@allow(LIAISON)
def edit(wish_id: str):
    return review_view(act(wish_id, desk.edit, load_json(EditSchema())))


@bp.post("/<wish_id>/approve")
@allow(LIAISON)
def approve(wish_id: str):
    return review_view(act(wish_id, desk.approve, load_json(NoteSchema()).get("note")))


@bp.post("/<wish_id>/reject")
@allow(LIAISON)
def reject(wish_id: str):
    return review_view(act(wish_id, desk.reject, load_json(RejectSchema())["reason"]))


@bp.post("/<wish_id>/request-info")
@allow(LIAISON)
def request_info(wish_id: str):
    body = load_json(AskSchema())
    return review_view(act(wish_id, desk.ask, body["message"], body["fields_needed"]))


@bp.post("/<wish_id>/reopen")
@allow(LIAISON)
def reopen(wish_id: str):
    return review_view(act(wish_id, desk.reopen, load_json(ReopenSchema())["note"]))


@bp.post("/approve")
@allow(LIAISON)
def approve_many():
    """Approve several waiting wishes at once: all of them, or none when one cannot be."""
    body = load_json(BulkApproveSchema())
    unit, who = uow(), require_principal()
    approved = bulk_approve(unit, who, body["wish_ids"], body.get("note"))
    unit.commit()
    return {"items": [review_view(r) for r in approved]}


def bulk_approve(unit, who, wish_ids: list[str], note: str | None) -> list[Review]:
    order = list(dict.fromkeys(wish_ids))
    approved, problems = {}, []
    # Lock in one order (by id): two liaisons' overlapping batches then wait, never deadlock.
    for wish_id in sorted(order):
        try:
            approved[wish_id] = load(wish_id, for_update=True)
            desk.approve(unit, who, approved[wish_id], note)
        except (ApiError, DomainError) as refused:
            problems.append((order.index(wish_id), as_api_error(refused)))
    if problems:  # nothing is committed: the request's unit of work rolls back
        raise ApiError(409, "invalid_state", [
            {"field": f"wish_ids.{n}", "code": err.code, "message": err.message}
            for n, err in sorted(problems, key=lambda found: found[0])])
    return [approved[wish_id] for wish_id in order]
