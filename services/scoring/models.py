"""Scoring's tables: the points ledger, and the outbox and inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.messaging_tables import add_messaging_tables


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)


class LedgerEntry(Base):
    __tablename__ = "ledger"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    # The member's employer unit at the time of the deed: what their unit admin may see.
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    wish_id: Mapped[str] = mapped_column(String(36))
    # One deed, one entry: a claim can never be paid twice.
    claim_id: Mapped[str] = mapped_column(String(36), unique=True)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Member(Base):
    """A claimer as intake announced them (member.registered / member.updated)."""

    __tablename__ = "members"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the claimer's account id
    kind: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(100))
    party_member: Mapped[bool] = mapped_column(Boolean)
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    unit_name: Mapped[str | None] = mapped_column(String(100))
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    available_times: Mapped[list] = mapped_column(JSON, default=list)
    org_code: Mapped[str | None] = mapped_column(String(32))
    org_type: Mapped[str | None] = mapped_column(String(20))
    # When the applied event happened: a late, older event never overwrites a newer one.
    as_of: Mapped[datetime] = mapped_column(DateTime(timezone=True))
