"""The brokered channel over HTTP: a claim's messages between those who serve on it and the
wish's liaisons; anyone else finds no such claim."""
from __future__ import annotations

from flask import Blueprint, current_app

from services.matching.channel import actions, rules
from services.matching.claims.announce import serving
from services.matching.errors import NotFound
from services.matching.models import Claim, Wish
from shared.access import CLAIMERS, LIAISON, allow, in_scope, require_principal
from shared.fields import Strict, text
from shared.web import load_json, uow

bp = Blueprint("channel", __name__)


class MessageSchema(Strict):
    body = text(1, rules.MAX_LENGTH, required=True)


def _side(claim_id: str) -> tuple[Claim, str]:
    """The claim, and the caller's side of its channel: serving on it, or its wish's liaison."""
    who, unit = require_principal(), uow()
    c = unit.session.get(Claim, claim_id)
    if c is not None and who.role in CLAIMERS and who.id in [m for m, _ in serving(unit, c)]:
        return c, rules.CLAIMER
    wish = unit.session.get(Wish, c.wish_id) if c is not None else None
    if wish is not None and who.role == LIAISON and in_scope(who, wish.community_code):
        return c, rules.LIAISON
    raise NotFound(claim_id)


def _sealer():
    return current_app.extensions["microwish.sealer"]


@bp.get("/api/v1/claims/<claim_id>/messages")
@allow(*CLAIMERS, LIAISON)
def list_messages(claim_id: str):
    c, side = _side(claim_id)
    return {"items": actions.read(uow(), _sealer(), c.id, side)}


@bp.post("/api/v1/claims/<claim_id>/messages")
@allow(*CLAIMERS, LIAISON)
def post_message(claim_id: str):
    data = load_json(MessageSchema())
    c, side = _side(claim_id)
    m = actions.post(uow(), _sealer(), c, require_principal().id, side, data["body"])
    uow().commit()
    return {"id": m.id, "side": m.side, "at": m.created_at.isoformat(),
            "body": rules.shown_to(side, data["body"])}, 201
