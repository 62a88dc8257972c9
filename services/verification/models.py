"""Verification's tables: one review per wish, with every rule's result, and the outbox and inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.messaging_tables import add_messaging_tables


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)


class Review(Base):
    __tablename__ = "reviews"

    wish_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str] = mapped_column(String(32), index=True)
    decision: Mapped[str] = mapped_column(String(20))
    # Which rules ran, their results and why (PIPL art. 24: explainable automated decisions).
    rules: Mapped[list] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # "service" for the rules; a liaison's account id when a person overturned them.
    decided_by: Mapped[str] = mapped_column(String(64), default="service")
    # What publishing needs if a liaison overturns a rejection (no personal data in clear).
    source: Mapped[str] = mapped_column(String(64))
    source_ref: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    wisher_display: Mapped[str] = mapped_column(String(50))
    contact_masked: Mapped[dict | None] = mapped_column(JSON)
    submitted_by: Mapped[str | None] = mapped_column(String(36))
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
