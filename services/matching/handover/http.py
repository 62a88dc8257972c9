"""Hand-overs over HTTP: a claimer offers a claim on, the member named answers, a liaison
reassigns; each member sees the offers made to them and by them."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import fields, validate
from sqlalchemy import or_, select

from services.matching import config
from services.matching.claims.http import EmptySchema, load_claim, shown
from services.matching.handover import actions
from services.matching.models import Claim, Handover, Wish
from shared.access import CLAIMERS, LIAISON, allow, in_scope, require_principal
from shared.fields import Strict
from shared.web import load_json, uow

bp = Blueprint("handover", __name__)


class HandToSchema(Strict):
    """The registered member who is to take the claim over."""

    to = fields.String(required=True, validate=validate.Length(1, 64, error="invalid_length"))


def handover_view(h: Handover) -> dict:
    return {"id": h.id, "claim_id": h.claim_id, "from_member": h.from_member,
            "to_member": h.to_member, "outcome": h.outcome,
            "offered_at": h.offered_at.isoformat(), "expires_at": h.expires_at.isoformat(),
            "answered_at": h.answered_at.isoformat() if h.answered_at else None}


def _committed(c: Claim) -> dict:
    """The claim as it now stands, once its change (audited by the action) is committed."""
    uow().commit()
    return shown(c, uow().session.get(Wish, c.wish_id))


@bp.post("/api/v1/claims/<claim_id>/handover")
@allow(*CLAIMERS)
def offer_handover(claim_id: str):
    """转交: offer one's claim, or one's place in its group, to another registered member."""
    data = load_json(HandToSchema())
    unit = uow()
    h = actions.offer(unit, claim_id, require_principal(), data["to"])
    unit.commit()
    return handover_view(h), 201


@bp.post("/api/v1/handovers/<handover_id>/acceptance")
@allow(*CLAIMERS)
def accept_handover(handover_id: str):
    load_json(EmptySchema())
    return _committed(actions.accept(uow(), handover_id, require_principal(),
                                     config.current().allowance_for))


@bp.post("/api/v1/handovers/<handover_id>/declination")
@allow(*CLAIMERS)
def decline_handover(handover_id: str):
    load_json(EmptySchema())
    unit = uow()
    h = actions.decline(unit, handover_id, require_principal())
    unit.commit()
    return handover_view(h)


@bp.post("/api/v1/claims/<claim_id>/reassignment")
@allow(LIAISON)
def reassign_claim(claim_id: str):
    """The wish's liaison gives the claim to another member at once."""
    data = load_json(HandToSchema())
    load_claim(claim_id, lambda who, _c, wish: in_scope(who, wish.community_code))
    return _committed(actions.reassign(uow(), claim_id, data["to"], require_principal()))


@bp.get("/api/v1/handovers")
@allow(*CLAIMERS)
def list_handovers():
    """The offers made to the caller and by them, newest first."""
    me = require_principal().id
    found = uow().session.scalars(
        select(Handover).where(or_(Handover.to_member == me, Handover.from_member == me))
        .order_by(Handover.offered_at.desc()).limit(100))
    return {"items": [handover_view(h) for h in found]}
