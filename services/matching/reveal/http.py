"""POST /api/v1/claims/<id>/phone-reveal: the wish's liaison tells its claimer the phone."""
from __future__ import annotations

from flask import Blueprint

from services.matching.claims.http import EmptySchema, load_claim
from services.matching.reveal import actions
from shared.access import LIAISON, allow, in_scope, require_principal
from shared.web import load_json, uow

bp = Blueprint("phone_reveal", __name__)


def reveal_as_caller(claim_id: str):
    """The caller, a liaison of the wish's community (anyone else finds no such claim), tells
    the claimer the phone; committed with its audit entry."""
    c, wish = load_claim(claim_id, lambda who, _c, w: in_scope(who, w.community_code))
    made, created = actions.reveal(uow(), require_principal(), c, wish)
    uow().commit()
    return made, created


@bp.post("/api/v1/claims/<claim_id>/phone-reveal")
@allow(LIAISON)
def reveal_phone(claim_id: str):
    """What was told to whom and when; the phone itself only ever reaches the claimer."""
    load_json(EmptySchema())
    made, created = reveal_as_caller(claim_id)
    return {"claim_id": made.claim_id, "wish_id": made.wish_id, "member_id": made.member_id,
            "revealed_by": made.revealed_by, "revealed_at": made.revealed_at.isoformat()}, 201 if created else 200
