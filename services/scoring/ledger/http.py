"""The district's points rules and corrections over HTTP: set a community's rule from a date,
read them, and reverse an award with a reason."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from services.scoring.ledger import actions
from services.scoring.ledger.schemas import PointRuleSchema, ReversalSchema
from services.scoring.models import Community, PointRuleRow
from shared.access import DISTRICT_ADMIN, LIAISON, STREET_ADMIN, allow, require_principal
from shared.envelope import utcnow
from shared.errors import ApiError
from shared.web import load_json, uow

bp = Blueprint("ledger", __name__)
_RULE, _REVERSAL = PointRuleSchema(), ReversalSchema()


def rule_view(row: PointRuleRow) -> dict:
    return {"id": row.id, "scope": row.scope, "applies_from": row.applies_from.isoformat(),
            **row.values, "set_by": row.set_by, "set_at": row.set_at.isoformat()}


@bp.get("/api/v1/point-rules")
@allow(LIAISON, STREET_ADMIN, DISTRICT_ADMIN)
def list_rules():
    """Every rule, by scope and the day it applies from."""
    rows = uow().session.scalars(select(PointRuleRow).order_by(
        PointRuleRow.scope, PointRuleRow.applies_from))
    return {"items": [rule_view(r) for r in rows]}


@bp.put("/api/v1/point-rules")
@allow(DISTRICT_ADMIN)
def set_rule():
    """Set what a deed earns in a community (or a district) from a day on; the same scope and
    day again replaces it. Entries already written keep what they were paid."""
    data, who = load_json(_RULE), require_principal()
    _known_scope(data["scope"])
    row = actions.set_rule(uow(), who, data, utcnow())
    uow().commit()
    return rule_view(row)


@bp.post("/api/v1/ledger/<entry_id>/reversal")
@allow(DISTRICT_ADMIN)
def reverse_entry(entry_id: str):
    """Correct an award: its opposite appended, with why and who (never an edit)."""
    data, who = load_json(_REVERSAL), require_principal()
    if not entry_id.isdigit():
        raise ApiError(404, "not_found")
    correction = actions.reverse(uow(), int(entry_id), who.id, data["reason"], utcnow())
    uow().commit()
    return {"id": correction.id, "reverses": int(entry_id), "points": str(correction.points),
            "reason": correction.note, "by": who.id, "at": correction.at.isoformat()}, 201


def _known_scope(scope: str) -> None:
    """A community intake announced, or a district one of them is in."""
    session = uow().session
    known = session.get(Community, scope) is not None or session.scalar(
        select(Community.code).where(Community.district == scope).limit(1)) is not None
    if not known:
        raise ApiError(422, "validation_failed", [{"field": "scope", "code": "unknown_scope",
                                                   "message": "没有这个社区或区县"}])
