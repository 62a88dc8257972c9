"""Matching's HTTP API and the wall page: wishes (masked), claims, fulfilment, confirmation."""
from __future__ import annotations

from flask import Blueprint, render_template
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from services.matching import claims
from services.matching.models import Claim, Wish
from shared.errors import ApiError
from shared.web import load_json, uow

bp = Blueprint("matching", __name__)

_STATUS_ZH = {"published": "待认领", "claimed": "已认领", "fulfilled": "已完成",
              "confirmed": "已确认"}


class ClaimSchema(Schema):
    class Meta:
        unknown = RAISE

    member_id = fields.String(required=True, validate=validate.Length(1, 64, error="invalid_length"))


class FulfilmentSchema(Schema):
    class Meta:
        unknown = RAISE

    note = fields.String(load_default=None, validate=validate.Length(0, 1000, error="invalid_length"))


class ConfirmationSchema(Schema):
    class Meta:
        unknown = RAISE


def wish_view(w: Wish) -> dict:
    """What anyone may see of a wish: no personal data beyond the masked name."""
    return {"id": w.id, "community_code": w.community_code, "title": w.title,
            "description": w.description, "kind": w.kind, "wisher": w.wisher_display,
            "status": w.status, "published_at": w.published_at.isoformat()}


def claim_view(c: Claim) -> dict:
    return {"id": c.id, "wish_id": c.wish_id, "member_id": c.member_id, "status": c.status}


def _wall() -> list[Wish]:
    return uow().session.scalars(
        select(Wish).where(Wish.status == "published").order_by(Wish.published_at.desc())
    ).all()


@bp.get("/")
def wall_page():
    return render_template("wall.html", wishes=_wall(), status_zh=_STATUS_ZH)


@bp.get("/api/v1/wishes")
def list_wishes():
    return {"items": [wish_view(w) for w in _wall()]}


@bp.get("/api/v1/wishes/<wish_id>")
def get_wish(wish_id: str):
    w = uow().session.get(Wish, wish_id)
    if w is None:
        raise ApiError(404, "not_found")
    return wish_view(w)


def _run(step, *args):
    """Run a claim step in the request's unit of work and commit it, mapping domain errors to HTTP."""
    unit = uow()
    try:
        c = step(unit, *args)
    except claims.WishNotFound:
        raise ApiError(404, "not_found")
    except claims.AlreadyClaimed:
        raise ApiError(409, "already_claimed")
    except claims.InvalidState:
        raise ApiError(409, "invalid_state")
    unit.commit()
    return claim_view(c)


@bp.post("/api/v1/wishes/<wish_id>/claims")
def claim_wish(wish_id: str):
    data = load_json(ClaimSchema())
    return _run(claims.claim, wish_id, data["member_id"]), 201


@bp.post("/api/v1/claims/<claim_id>/fulfilment")
def fulfil_claim(claim_id: str):
    data = load_json(FulfilmentSchema())
    return _run(claims.fulfil, claim_id, data["note"])


@bp.post("/api/v1/claims/<claim_id>/confirmation")
def confirm_claim(claim_id: str):
    load_json(ConfirmationSchema())
    return _run(claims.confirm, claim_id)
