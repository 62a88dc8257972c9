"""Communities (社区/村): intake's master data, which matching and scoring copy from its events."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.intake.models import Base
from shared.timestamps import Instant


class Community(Base):
    """One community under a street (街道/镇) of a district, with its monthly meeting day."""

    __tablename__ = "communities"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)  # chuanhui-wenming
    name: Mapped[str] = mapped_column(String(50))  # 文明社区: what people are shown
    street: Mapped[str] = mapped_column(String(50))
    district: Mapped[str] = mapped_column(String(16), index=True)  # the code's first part
    district_name: Mapped[str] = mapped_column(String(50))
    # {"nth": 1-4, "weekday": ISO 1-7}; None: no meeting day, a wish opens once verified (浦东)
    meeting_day: Mapped[dict | None] = mapped_column(JSON)
    # The office's phone and email ({"phone", "email"}), sealed: where its liaisons are told.
    office_contact_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(Instant)
    updated_at: Mapped[datetime] = mapped_column(Instant)
