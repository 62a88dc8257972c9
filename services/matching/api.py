"""Matching's HTTP API: the wall (masked, public), claims and their steps, each for whom it concerns."""
from __future__ import annotations

from flask import Blueprint
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from services.matching import claims
from services.matching.models import RATE_LIMITS, Claim, Wish
from shared import audit
from shared.access import (CLAIMERS, DISTRICT_ADMIN, LIAISON, RESIDENT, STREET_ADMIN, allow,
                           in_scope, public, require_principal)
from shared.errors import ApiError
from shared.ratelimit import RateLimit
from shared.tokens import Principal
from shared.vocab import CATEGORIES, SKILLS
from shared.web import database, load_json, settings, uow

bp = Blueprint("matching", __name__)
_CLAIM_READERS = (*CLAIMERS, LIAISON, STREET_ADMIN, DISTRICT_ADMIN)


class ClaimSchema(Schema):
    """Nothing to send: who claims is whoever is logged in."""

    class Meta:
        unknown = RAISE


class FulfilmentSchema(Schema):
    class Meta:
        unknown = RAISE

    note = fields.String(load_default=None, validate=validate.Length(0, 1000, error="invalid_length"))


class EmptySchema(Schema):
    class Meta:
        unknown = RAISE


def wish_view(w: Wish) -> dict:
    """What anyone may see of a wish: no personal data beyond the masked name."""
    return {"id": w.id, "community_code": w.community_code, "title": w.title,
            "description": w.description, "kind": w.kind, "wisher": w.wisher_display,
            "status": w.status, "published_at": w.published_at.isoformat(),
            "category": w.category, "category_label": CATEGORIES.get(w.category or "", ""),
            "skills": w.skills or [], "skill_labels": [SKILLS.get(s, s) for s in w.skills or []],
            "service_standard": w.service_standard, "urgent": bool(w.urgent),
            "deadline": w.deadline.isoformat() if w.deadline else None}


def claim_view(c: Claim, wish: Wish | None = None) -> dict:
    """A claim; with its wish in full (masked contact included) for those it concerns."""
    view = {"id": c.id, "wish_id": c.wish_id, "member_id": c.member_id, "status": c.status,
            "claimed_at": c.claimed_at.isoformat()}
    if wish is not None:
        view["wish"] = {**wish_view(wish), "contact": wish.contact_masked}
    return view


def wall() -> list[Wish]:
    return uow().session.scalars(
        select(Wish).where(Wish.status == "published").order_by(Wish.published_at.desc())
    ).all()


@bp.get("/api/v1/wishes")
@public
def list_wishes():
    return {"items": [wish_view(w) for w in wall()]}


@bp.get("/api/v1/wishes/<wish_id>")
@public
def get_wish(wish_id: str):
    w = uow().session.get(Wish, wish_id)
    if w is None:
        raise ApiError(404, "not_found")
    return wish_view(w)


def concerns(who: Principal, c: Claim, wish: Wish) -> bool:
    """A claim is the claimer's own business, and its wish's liaisons' and overseers'."""
    return c.member_id == who.id or in_scope(who, wish.community_code)


def _load_claim(claim_id: str, may=concerns) -> tuple[Claim, Wish]:
    c = uow().session.get(Claim, claim_id)
    wish = uow().session.get(Wish, c.wish_id) if c is not None else None
    if c is None or not may(require_principal(), c, wish):
        raise ApiError(404, "not_found")  # someone else's claim looks absent
    return c, wish


def run_step(step, *args, action: str | None = None):
    """Run a claim step in the request's unit of work, audit it, commit; domain errors to HTTP."""
    unit = uow()
    try:
        c = step(unit, *args)
    except claims.WishNotFound:
        raise ApiError(404, "not_found")
    except claims.AlreadyClaimed:
        raise ApiError(409, "already_claimed")
    except claims.InvalidState:
        raise ApiError(409, "invalid_state")
    wish = unit.session.get(Wish, c.wish_id)
    audit.record(unit, require_principal(), action or f"claim.{c.status}", "claim", c.id,
                 wish.community_code, {"wish_id": c.wish_id})
    unit.commit()
    return c, wish


def claim_as_caller(wish_id: str) -> tuple[Claim, Wish]:
    """Claim for whoever is logged in, within their hourly allowance."""
    who = require_principal()
    s = settings()
    limit = RateLimit(database().engine, RATE_LIMITS, s.claims_per_hour, 3600)
    if limit.hit(f"claim:{who.id}") > s.claims_per_hour:
        raise ApiError(429, "too_many_requests", retry_after=limit.retry_after())
    return run_step(claims.claim, wish_id, claims.Claimer(who.id, who.unit))


@bp.post("/api/v1/wishes/<wish_id>/claims")
@allow(*CLAIMERS)
def claim_wish(wish_id: str):
    load_json(ClaimSchema())
    c, wish = claim_as_caller(wish_id)
    return claim_view(c, wish), 201


@bp.get("/api/v1/claims")
@allow(*_CLAIM_READERS)
def list_claims():
    """A claimer's own claims; a liaison's communities' claims."""
    who = require_principal()
    query = select(Claim, Wish).join(Wish, Wish.id == Claim.wish_id)
    if who.role in CLAIMERS:
        query = query.where(Claim.member_id == who.id)
    elif who.role != DISTRICT_ADMIN:
        query = query.where(Wish.community_code.in_(who.communities))
    rows = uow().session.execute(query.order_by(Claim.claimed_at.desc()).limit(200)).all()
    return {"items": [claim_view(c, w) for c, w in rows]}


@bp.get("/api/v1/claims/<claim_id>")
@allow(*_CLAIM_READERS)
def get_claim(claim_id: str):
    return claim_view(*_load_claim(claim_id))


@bp.post("/api/v1/claims/<claim_id>/release")
@allow(*CLAIMERS, LIAISON)
def release_claim(claim_id: str):
    load_json(EmptySchema())
    _load_claim(claim_id)
    return claim_view(*run_step(claims.release, claim_id))


@bp.post("/api/v1/claims/<claim_id>/fulfilment")
@allow(*CLAIMERS)
def fulfil_claim(claim_id: str):
    data = load_json(FulfilmentSchema())
    _load_claim(claim_id, may=lambda who, c, _w: c.member_id == who.id)
    return claim_view(*run_step(claims.fulfil, claim_id, data["note"]))


def may_confirm(who: Principal, c: Claim, wish: Wish) -> bool:
    """The wish's own liaison, or the resident who posted it."""
    if who.role == RESIDENT:
        return wish.submitted_by == who.id
    return who.role == LIAISON and in_scope(who, wish.community_code)


@bp.post("/api/v1/claims/<claim_id>/confirmation")
@allow(LIAISON, RESIDENT)
def confirm_claim(claim_id: str):
    load_json(EmptySchema())
    _load_claim(claim_id, may=may_confirm)
    return claim_view(*run_step(claims.confirm, claim_id))
