"""Scoring's tables: the points ledger, and the outbox and inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
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

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    # The member's employer unit at the time of the deed: what their unit admin may see.
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    # Where the deed was done, for its name in answers and per-community rules (None before 0006).
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    wish_id: Mapped[str] = mapped_column(String(36))
    # One deed, one entry: a claim can never be paid twice.
    claim_id: Mapped[str] = mapped_column(String(36), unique=True)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(50))
    at: Mapped[datetime] = mapped_column(Instant)


class Member(MemberCopy, Base):
    """Scoring's copy of the claimers intake registered: whose points, for which employer unit."""


class Community(CommunityCopy, Base):
    """Scoring's copy of the communities intake keeps: the names its answers show."""
