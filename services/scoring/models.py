"""Scoring's tables: the points ledger, and the outbox and inbox."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.community_copy import CommunityCopy
from shared.member_copy import MemberCopy
from shared.messaging_tables import add_messaging_tables
from shared.timestamps import Instant


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)


class LedgerEntry(Base):
    __tablename__ = "ledger"
    # One entry per member of a deed: a claim can never pay anyone twice.
    __table_args__ = (UniqueConstraint("claim_id", "member_id", name="uq_ledger_share"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    # The member's employer unit at the time of the deed: what their unit admin may see.
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    # Where the deed was done, for its name in answers and per-community rules (None before 0006).
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    wish_id: Mapped[str] = mapped_column(String(36))
    claim_id: Mapped[str] = mapped_column(String(36))
    points: Mapped[Decimal] = mapped_column(Numeric(8, 2))  # their share of the deed's points
    reason: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(Instant)


class Member(MemberCopy, Base):
    """Scoring's copy of the claimers intake registered: whose points, for which employer unit."""


class Community(CommunityCopy, Base):
    """Scoring's copy of the communities intake keeps: the names its answers show."""
