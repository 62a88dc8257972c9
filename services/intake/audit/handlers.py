"""The audit trail's intake: every `audit.recorded` from every service, kept once."""
from __future__ import annotations

from services.intake.audit.models import AuditEntry


def keep(uow, envelope) -> None:
    """Store one audit event (the inbox already makes this once per message)."""
    e = envelope.payload
    uow.session.add(AuditEntry(
        message_id=envelope.message_id, at=envelope.occurred_at, actor_id=e.actor_id,
        actor_role=e.actor_role, action=e.action, object_type=e.object_type,
        object_id=e.object_id, community_code=e.community_code, service=e.service,
        detail=e.detail or {}))
