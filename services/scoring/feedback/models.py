"""The half-yearly feedback's table: one report per unit and half, its facts kept as sent."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.models import Base
from shared.timestamps import Instant


class FeedbackReport(Base):
    __tablename__ = "feedback_reports"
    # Once per unit and half: a second scan, or a second worker, finds it there.
    __table_args__ = (UniqueConstraint("unit_code", "year", "half", name="uq_feedback_report"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    half: Mapped[int] = mapped_column(Integer)  # 1: January–June, 2: July–December
    generated_at: Mapped[datetime] = mapped_column(Instant)
    generated_by: Mapped[str] = mapped_column(String(64))  # the scan (service) or a person
    # feedback.rules.as_facts: the members, their deeds, points and honours, as sent.
    facts: Mapped[dict] = mapped_column(JSON)
