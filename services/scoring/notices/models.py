"""The notices' table: one per kind, unit, place (community or district) and period."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.models import Base
from shared.timestamps import Instant


class ParticipationNotice(Base):
    __tablename__ = "participation_notices"
    # One draft per unit and period: a second scan, or a second worker, refreshes it.
    __table_args__ = (UniqueConstraint("kind", "unit_code", "scope", "period", name="uq_notice"),
                      UniqueConstraint("year", "number", name="uq_notice_number"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(30))  # inactive_members, unit_participation
    unit_code: Mapped[str] = mapped_column(String(32), index=True)
    unit_name: Mapped[str] = mapped_column(String(100))
    # The community that reports (inactive_members) or the district (unit_participation).
    scope: Mapped[str] = mapped_column(String(32))
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    district: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(32))  # 2026, or 2026-03-01~2026-05-31
    year: Mapped[int] = mapped_column(Integer)  # the span's last day's: the number's year
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    # The members (names as registered, their community) or the unit's counts and rate.
    facts: Mapped[dict] = mapped_column(JSON)
    body: Mapped[str] = mapped_column(Text)  # the wording, as drafted or as a reviewer edited it
    edited_by: Mapped[str | None] = mapped_column(String(64))
    drafted_at: Mapped[datetime] = mapped_column(Instant)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    issued_by: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[int | None] = mapped_column(Integer)  # 〔2026〕通字第N号
    issued_on: Mapped[date | None] = mapped_column(Date)
    history: Mapped[list] = mapped_column(JSON, default=list)
