"""A claim's steps over HTTP: release (with a reason) and reinstatement, the report of the deed
with its photos, confirmation or dispute."""
from __future__ import annotations

from flask import Blueprint, Response, current_app
from marshmallow import fields, validate

from services.matching.claims import rules, steps
from services.matching.claims.http import (EmptySchema, concerns, load_claim, run_step,
                                           shown)
from services.matching.errors import NotFound
from services.matching.models import ProofPhoto
from shared import audit
from shared.access import CLAIMERS, LIAISON, RESIDENT, allow, in_scope, require_principal
from shared.errors import ApiError
from shared.fields import Strict, choice, text
from shared.photos import MOST, PhotoSchema, decode
from shared.web import load_json, uow

bp = Blueprint("claim_steps", __name__)


class ReleaseSchema(Strict):
    """Why the claim is given up: one of claims.rules.RELEASE_REASONS, with words for "other"."""

    reason = choice(rules.RELEASE_REASONS, required=True)
    note = text(0, 500, load_default=None)


class DisputeSchema(Strict):
    """Why the deed reported done is not: what the claimer is told."""

    reason = text(1, 500, required=True)


class FulfilmentSchema(Strict):
    """The claimer's report: a note for the liaison, and up to three photos of the deed."""

    note = fields.String(load_default=None, validate=validate.Length(0, 1000, error="invalid_length"))
    photos = fields.List(fields.Nested(PhotoSchema), load_default=list,
                         validate=validate.Length(max=MOST, error="too_many"))


@bp.post("/api/v1/claims/<claim_id>/release")
@allow(*CLAIMERS, LIAISON)
def release_claim(claim_id: str):
    """The claimer, or the wish's liaison, gives the claim up and says why."""
    load_claim(claim_id, concerns)  # someone else's claim looks absent, whatever they send
    data = load_json(ReleaseSchema())
    problems = rules.release_problems(data["reason"], data["note"])
    if problems:
        raise ApiError(422, "validation_failed", problems)
    return shown(*run_step(steps.release, claim_id, require_principal().id, data["reason"],
                           data["note"]))


@bp.post("/api/v1/claims/<claim_id>/reinstatement")
@allow(LIAISON)
def reinstate_claim(claim_id: str):
    """The wish's liaison undoes a release made by mistake, while the wish is still open."""
    load_json(EmptySchema())
    load_claim(claim_id, lambda who, _c, w: in_scope(who, w.community_code))
    return shown(*run_step(steps.reinstate, claim_id))


@bp.post("/api/v1/claims/<claim_id>/fulfilment")
@allow(*CLAIMERS)
def fulfil_claim(claim_id: str):
    data = load_json(FulfilmentSchema())
    load_claim(claim_id, lambda who, c, _w: rules.may_fulfil(who, c.member_id))
    return shown(*run_step(steps.fulfil, claim_id, data["note"], data["photos"],
                           current_app.extensions["microwish.sealer"]))


@bp.get("/api/v1/claims/<claim_id>/photos/<photo_id>")
@allow(LIAISON)
def proof_photo(claim_id: str, photo_id: str):
    """A photo of the deed, for the wish's liaison only (each look audited); never cached."""
    c, wish = load_claim(claim_id, lambda who, _c, w: in_scope(who, w.community_code))
    photo = uow().session.get(ProofPhoto, photo_id)
    if photo is None or photo.claim_id != c.id:
        raise NotFound(photo_id)
    audit.record(uow(), require_principal(), "proof_photo.viewed", "claim", c.id,
                 wish.community_code, {"photo_id": photo.id})
    uow().commit()
    raw = decode(current_app.extensions["microwish.sealer"].open(photo.data_sealed))
    return Response(raw, mimetype=photo.content_type,
                    headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@bp.post("/api/v1/claims/<claim_id>/dispute")
@allow(LIAISON, RESIDENT)
def dispute_claim(claim_id: str):
    """The wish's liaison, or the resident who posted it, says the deed is not done, and why."""
    data = load_json(DisputeSchema())
    load_claim(claim_id, lambda who, c, w: rules.may_confirm(who, w.community_code,
                                                              w.submitted_by))
    return shown(*run_step(steps.dispute, claim_id, data["reason"]))


@bp.post("/api/v1/claims/<claim_id>/confirmation")
@allow(LIAISON, RESIDENT)
def confirm_claim(claim_id: str):
    load_json(EmptySchema())
    load_claim(claim_id, lambda who, c, w: rules.may_confirm(who, w.community_code,
                                                              w.submitted_by))
    return shown(*run_step(steps.confirm, claim_id))
