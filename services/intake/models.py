"""Intake's tables: submissions, their status history, and the outbox and inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.messaging_tables import add_messaging_tables


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)

# A wish only moves forward along this order, whatever order outcomes arrive in.
STATUS_RANK = {"received": 0, "verified": 1, "rejected": 1, "published": 2,
               "claimed": 3, "fulfilled": 4, "confirmed": 5}


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("source", "source_ref", name="uq_submission_source_ref"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_ref: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    community_code: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    wisher_display: Mapped[str] = mapped_column(String(50))
    wisher_sealed: Mapped[str] = mapped_column(Text)  # encrypted personal data
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    history: Mapped[list["StatusChange"]] = relationship(
        order_by="StatusChange.id", cascade="all, delete-orphan")

    def advance(self, status: str, at: datetime, reasons: list | None = None) -> None:
        """Record an outcome; the status itself never moves backwards."""
        self.history.append(StatusChange(status=status, at=at, reasons=reasons or []))
        if STATUS_RANK[status] >= STATUS_RANK[self.status]:
            self.status = status


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
