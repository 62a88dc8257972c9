"""Verification's tables: one review per wish, with every rule's result, and the outbox and inbox."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.messaging_tables import add_messaging_tables
from shared.timestamps import Instant


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)


class Review(Base):
    __tablename__ = "reviews"

    wish_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str] = mapped_column(String(32), index=True)
    # pending (at the desk), verified, rejected or needs_info (asked the submitter).
    decision: Mapped[str] = mapped_column(String(20), index=True)
    # Which rules ran, their results and why (PIPL art. 24: explainable automated decisions).
    rules: Mapped[list] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(Instant)
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
    # The wisher's data, still sealed: opened only for the wish's own liaisons at the desk.
    wisher_sealed: Mapped[str | None] = mapped_column(Text)
    # What the wisher agreed to beyond posting (share_phone, publicity, given_by, minor), passed
    # on as sent; and, only when they agreed to share it, their phone alone, sealed.
    consents: Mapped[dict | None] = mapped_column(JSON)
    phone_sealed: Mapped[str | None] = mapped_column(Text)
    # A keyed hash of the normalised address: wishes from one household, without the address.
    household_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    round: Mapped[str] = mapped_column(String(10), default="")
    revision: Mapped[int] = mapped_column(Integer, default=1)
    received_at: Mapped[datetime | None] = mapped_column(Instant)
    wish_type: Mapped[str] = mapped_column(String(20), default="individual")
    team: Mapped[dict | None] = mapped_column(JSON)
    estimated_value: Mapped[int | None] = mapped_column(Integer)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Preferred times, free-text skills, attachment ids: shown at the desk, passed on as sent.
    details: Mapped[dict | None] = mapped_column(JSON)
    category: Mapped[str | None] = mapped_column(String(20))
    skills: Mapped[list | None] = mapped_column(JSON)
    # How the category and skills were chosen (keywords), so a liaison can see why.
    categorisation: Mapped[dict | None] = mapped_column(JSON)
    service_standard: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    # What the resident reads about the current decision (rejection or request for information).
    reasons: Mapped[list | None] = mapped_column(JSON)


class RoundEntry(Base):
    """A person's one wish in a round; the primary key keeps two workers from both admitting one."""

    __tablename__ = "round_entries"

    round: Mapped[str] = mapped_column(String(10), primary_key=True)
    id_number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    wish_id: Mapped[str] = mapped_column(String(36), index=True)


class AllowanceRecord(Base):
    """One row of the civil-affairs allowance table (低保/特困) imported from a CSV file."""

    __tablename__ = "allowance_records"

    # The keyed hash of the ID number, never the number itself.
    id_number_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # enrolled | ended
    kind: Mapped[str] = mapped_column(String(20))  # dibao | tekun | low_income
    since: Mapped[date | None] = mapped_column(Date)
    district: Mapped[str | None] = mapped_column(String(32))
    imported_at: Mapped[datetime] = mapped_column(Instant)
