"""The liaison's escalation list: open wishes of their communities that nobody took in time."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from services.matching.models import PUBLISHED, Wish
from services.matching.web.http import community_names
from services.matching.web.views import wish_view
from shared.access import (DISTRICT_ADMIN, LIAISON, STREET_ADMIN, allow, in_communities,
                           require_principal)
from shared.web import uow

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
