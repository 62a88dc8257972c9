"""Scoring's tables: the points ledger, and the outbox and inbox."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.community_copy import CommunityCopy
from shared.member_copy import MemberCopy
from shared.messaging_tables import add_messaging_tables
from shared.timestamps import Instant


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)


class LedgerEntry(Base):
    """One line of the append-only ledger: a member's share of a confirmed deed, or a correction
    that reverses one (never an edit)."""

    __tablename__ = "ledger"
    # One award per member of a deed, one correction per award: nobody is paid twice.
    __table_args__ = (UniqueConstraint("claim_id", "member_id", "reason", name="uq_ledger_share"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    # The member's employer unit at the time of the deed: what their unit admin may see.
    unit_code: Mapped[str | None] = mapped_column(String(32), index=True)
    # Where the deed was done, for its name in answers and per-community rules (None before 0006).
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    wish_id: Mapped[str] = mapped_column(String(36))
    claim_id: Mapped[str] = mapped_column(String(36))
    points: Mapped[Decimal] = mapped_column(Numeric(8, 2))  # their share of the deed's points
    reason: Mapped[str] = mapped_column(String(50))  # wish.confirmed, or correction
    # When the deed was confirmed (or corrected); indexed for the year's leaderboards.
    at: Mapped[datetime] = mapped_column(Instant, index=True)
    title: Mapped[str | None] = mapped_column(String(200))  # the wish's, as the wall shows it
    # A correction: the award it reverses, who made it and why.
    reverses: Mapped[int | None] = mapped_column(ForeignKey("ledger.id"), unique=True)
    by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)


class PointRuleRow(Base):
    """A district's points rule for one community (or all of a district's), from a date on;
    a later rule for the same scope and date replaces it (ledger.rules.PointRule)."""

    __tablename__ = "point_rules"
    __table_args__ = (UniqueConstraint("scope", "applies_from", name="uq_point_rule_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(32))  # a community's code or a district's
    applies_from: Mapped[date] = mapped_column(Date)
    values: Mapped[dict] = mapped_column(JSON)  # base, material, spiritual, urgent, team, categories
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(Instant)


class Member(MemberCopy, Base):
    """Scoring's copy of the claimers intake registered: whose points, for which employer unit."""


class Community(CommunityCopy, Base):
    """Scoring's copy of the communities intake keeps: the names its answers show."""


class Honour(Base):
    """A member's annual honour at one level (honours.rules), once per member, year and level:
    drafted when the year's points cross its threshold, then reviewed, issued and listed."""

    __tablename__ = "honours"
    # One per member, year and level: a replayed or concurrent crossing finds it there.
    __table_args__ = (UniqueConstraint("member_id", "year", "level", name="uq_honour"),
                      UniqueConstraint("year", "number", name="uq_honour_number"),
                      UniqueConstraint("year", "revoked_number", name="uq_honour_revoked_number"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    level: Mapped[str] = mapped_column(String(20))  # letter, star, district
    status: Mapped[str] = mapped_column(String(20), index=True)
    points: Mapped[Decimal] = mapped_column(Numeric(8, 2))  # the year's total when drafted
    # The member's community (党员报到) and employer unit when drafted: who reviews it, and
    # which unit the letter goes to.
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    unit_name: Mapped[str | None] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(Instant)
    nominated_by: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)  # the nomination's reason
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    issued_by: Mapped[str | None] = mapped_column(String(64))
    number: Mapped[int | None] = mapped_column(Integer)  # 〔year〕表字第N号
    issued_on: Mapped[date | None] = mapped_column(Date)  # the China date the document bears
    listed_by: Mapped[str | None] = mapped_column(String(64))
    revoked_number: Mapped[int | None] = mapped_column(Integer)  # 〔year〕撤字第N号
    revoked_on: Mapped[date | None] = mapped_column(Date)
    # Every step, in order: {"step", "by", "at", ...}; the audit trail has them too.
    history: Mapped[list] = mapped_column(JSON, default=list)


class HonourSerial(Base):
    """The last number given in one series of a year's documents (表 for honours, 撤 for
    revocation notices), taken under a row lock so no number is given twice."""

    __tablename__ = "honour_serials"

    series: Mapped[str] = mapped_column(String(16), primary_key=True)  # 2026-表
    last: Mapped[int] = mapped_column(Integer)
