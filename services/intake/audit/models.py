"""The audit trail: one row per decision or clear read, from any service."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base
from shared.timestamps import Instant


class AuditEntry(Base):
    """One decision or one read of unmasked personal data, from any service."""

    __tablename__ = "audit_entries"

    message_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(Instant, index=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    community_code: Mapped[str | None] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
