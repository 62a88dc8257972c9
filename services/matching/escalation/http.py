"""Escalated wishes over HTTP: the liaison's list of those nobody took in time, assigning one
(指派), and the assignee's answer."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from services.matching import config
from services.matching.claims.http import EmptySchema, shown
from services.matching.errors import NotFound
from services.matching.escalation import assignment
from services.matching.handover.http import HandToSchema
from services.matching.models import PUBLISHED, Assignment, Wish
from services.matching.web.http import community_names
from services.matching.web.views import wish_view
from shared.access import (CLAIMERS, DISTRICT_ADMIN, LIAISON, STREET_ADMIN, allow,
                           in_communities, in_scope, require_principal)
from shared.web import load_json, uow

bp = Blueprint("escalation", __name__)


@bp.get("/api/v1/escalations")
@allow(LIAISON, STREET_ADMIN, DISTRICT_ADMIN)
def list_escalations():
    """Escalated wishes still unclaimed, in the caller's communities, oldest first."""
    query = in_communities(
        select(Wish).where(PUBLISHED, Wish.claim_id.is_(None), Wish.escalated_at.is_not(None)),
        require_principal(), Wish.community_code)
    wishes = list(uow().session.scalars(query.order_by(Wish.escalated_at, Wish.id).limit(200)))
    names = community_names(wishes)
    return {"items": [{**wish_view(w, names), "escalated_at": w.escalated_at.isoformat()}
                      for w in wishes]}


def assignment_view(a: Assignment) -> dict:
    return {"id": a.id, "wish_id": a.wish_id, "to_member": a.to_member, "outcome": a.outcome,
            "offered_at": a.offered_at.isoformat(), "expires_at": a.expires_at.isoformat(),
            "answered_at": a.answered_at.isoformat() if a.answered_at else None}


@bp.post("/api/v1/wishes/<wish_id>/assignment")
@allow(LIAISON)
def assign_wish(wish_id: str):
    """指派: the wish's liaison offers it to a member or an organisation."""
    data = load_json(HandToSchema())
    wish = uow().session.get(Wish, wish_id)
    if wish is None or not in_scope(require_principal(), wish.community_code):
        raise NotFound(wish_id)
    a = assignment.assign(uow(), wish_id, data["to"], require_principal())
    uow().commit()
    return assignment_view(a), 201


@bp.post("/api/v1/assignments/<assignment_id>/acceptance")
@allow(*CLAIMERS)
def accept_assignment(assignment_id: str):
    load_json(EmptySchema())
    settings_ = config.current()
    c = assignment.accept(uow(), assignment_id, require_principal(), settings_.allowance_for,
                          settings_.claim_days)
    uow().commit()
    return shown(c, uow().session.get(Wish, c.wish_id)), 201


@bp.post("/api/v1/assignments/<assignment_id>/declination")
@allow(*CLAIMERS)
def decline_assignment(assignment_id: str):
    load_json(EmptySchema())
    a = assignment.decline(uow(), assignment_id, require_principal())
    uow().commit()
    return assignment_view(a)


@bp.get("/api/v1/assignments")
@allow(*CLAIMERS)
def my_assignments():
    """The wishes assigned to the caller, newest first."""
    found = uow().session.scalars(select(Assignment).where(
        Assignment.to_member == require_principal().id)
        .order_by(Assignment.offered_at.desc()).limit(100))
    return {"items": [assignment_view(a) for a in found]}
