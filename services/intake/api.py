"""Intake's HTTP API: post a submission, follow its status."""
from __future__ import annotations

from flask import Blueprint, current_app, request
from sqlalchemy.exc import IntegrityError

from services.intake import submit
from services.intake.models import Submission
from services.intake.schemas import SubmissionSchema
from shared.envelope import new_id
from shared.errors import ApiError
from shared.web import load_json, uow

bp = Blueprint("intake", __name__, url_prefix="/api/v1/submissions")


def _view(sub: Submission) -> dict:
    return {
        "id": sub.id, "status": sub.status, "community_code": sub.community_code,
        "title": sub.title, "kind": sub.kind, "wisher": sub.wisher_display,
        "created_at": sub.created_at.isoformat(),
        "history": [{"status": h.status, "at": h.at.isoformat(), "reasons": h.reasons}
                    for h in sub.history],
    }


@bp.post("")
def create_submission():
    data = load_json(SubmissionSchema())
    ref = request.headers.get("Idempotency-Key") or new_id()
    if len(ref) > 200:
        raise ApiError(422, "invalid_length", [{"field": "Idempotency-Key", "code": "invalid_length",
                                                "message": "Idempotency-Key 过长"}])
    unit = uow()
    sealer = current_app.extensions["microwish.sealer"]
    try:
        sub, created = submit.submit(unit, sealer, submit.WEB, ref, data)
        unit.commit()
    except IntegrityError:  # the same key raced in from another request: answer with that one
        unit.session.rollback()
        sub, created = submit.find(unit, submit.WEB, ref), False
    return _view(sub), 201 if created else 200


@bp.get("/<submission_id>")
def get_submission(submission_id: str):
    sub = uow().session.get(Submission, submission_id)
    if sub is None:
        raise ApiError(404, "not_found")
    return _view(sub)
