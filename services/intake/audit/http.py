"""The audit trail over HTTP: district admins query what every service recorded."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, request
from sqlalchemy import select

from services.intake.audit.models import AuditEntry
from shared.access import DISTRICT_ADMIN, allow
from shared.errors import ApiError
from shared.web import uow

bp = Blueprint("audit", __name__, url_prefix="/api/v1/audit")
_FILTERS = ("actor_id", "action", "object_id", "community_code", "service")


def _since(value: str | None):
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(422, "validation_failed", [{"field": "since", "code": "invalid_datetime",
                                                   "message": "时间格式不正确"}])


@bp.get("")
@allow(DISTRICT_ADMIN)
def query_audit():
    """Filter by actor, action, object, community, service and time; newest first."""
    unknown = set(request.args) - set(_FILTERS) - {"since", "limit"}
    if unknown:
        raise ApiError(422, "validation_failed", [{"field": f, "code": "unknown_field",
                                                   "message": "不允许的字段"} for f in sorted(unknown)])
    query = select(AuditEntry).order_by(AuditEntry.at.desc())
    for name in _FILTERS:
        if request.args.get(name):
            query = query.where(getattr(AuditEntry, name) == request.args[name])
    since = _since(request.args.get("since"))
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    limit = request.args.get("limit", "200")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise ApiError(422, "validation_failed", [{"field": "limit", "code": "invalid_value",
                                                   "message": "limit 应为 1 到 1000 的整数"}])
    entries = uow().session.scalars(query.limit(int(limit))).all()
    return {"items": [{"at": a.at.isoformat(), "actor_id": a.actor_id, "actor_role": a.actor_role,
                       "action": a.action, "object_type": a.object_type, "object_id": a.object_id,
                       "community_code": a.community_code, "service": a.service,
                       "detail": a.detail} for a in entries]}
