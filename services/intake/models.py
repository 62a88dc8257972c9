"""Intake's tables: submissions, their status history, accounts, the audit trail, outbox and inbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.messaging_tables import add_messaging_tables
from shared.ratelimit import add_rate_limit_table


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
RATE_LIMITS = add_rate_limit_table(Base.metadata)
CLOSED = ("confirmed", "rejected")

# A wish only moves forward along this order, whatever order outcomes arrive in.
STATUS_RANK = {"received": 0, "needs_info": 1, "verified": 1, "rejected": 1, "published": 2,
               "claimed": 3, "fulfilled": 4, "confirmed": 5}
STATUS_LABELS = {"received": "已受理", "needs_info": "需补充信息", "resubmitted": "已补充信息",
                 "reopened": "联络员重新审核",
                 "verified": "审核通过", "rejected": "未通过审核", "published": "已发布",
                 "claimed": "已被认领", "released": "认领已取消，重新等待认领",
                 "fulfilled": "已完成", "confirmed": "已确认完成"}


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
    wish_type: Mapped[str] = mapped_column(String(20), default="individual")
    team_name: Mapped[str | None] = mapped_column(String(50))
    team_size: Mapped[int | None] = mapped_column(Integer)
    estimated_value: Mapped[int | None] = mapped_column(Integer)  # yuan
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    skills_other: Mapped[str | None] = mapped_column(String(100))
    preferred_times: Mapped[list] = mapped_column(JSON, default=list)
    preferred_times_note: Mapped[str | None] = mapped_column(String(200))
    # SHA-256 of the body as first sent: the same key with another body is refused, not merged.
    request_digest: Mapped[str | None] = mapped_column(String(64))
    # Bumped each time the submitter answers a request for more information.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    wisher_display: Mapped[str] = mapped_column(String(50))  # masked: 张*
    # Personal data, each field encrypted (shared.pii.Sealer); all None once erased.
    name_enc: Mapped[str | None] = mapped_column(Text)
    id_number_enc: Mapped[str | None] = mapped_column(Text)
    id_number_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    address_enc: Mapped[str | None] = mapped_column(Text)
    # Target groups, household size and income: sensitive too (disability is health data).
    household_enc: Mapped[str | None] = mapped_column(Text)
    minor: Mapped[bool] = mapped_column(Boolean, default=False)
    # Consent to post on the wisher's behalf: who gave it, how, when, and who recorded it.
    # (None only on rows from before consent was recorded.)
    consent_relation: Mapped[str | None] = mapped_column(String(20))
    consent_method: Mapped[str | None] = mapped_column(String(30))
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_name_enc: Mapped[str | None] = mapped_column(Text)
    consent_photo_ref: Mapped[str | None] = mapped_column(String(200))
    submitted_by: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    history: Mapped[list["StatusChange"]] = relationship(
        order_by="StatusChange.id", cascade="all, delete-orphan")
    attachments: Mapped[list["Attachment"]] = relationship(
        order_by="Attachment.id", cascade="all, delete-orphan")

    def advance(self, status: str, at: datetime, reasons: list | None = None,
                fields: list | None = None) -> None:
        """Record an outcome; the status itself never moves backwards."""
        self.history.append(StatusChange(status=status, at=at, reasons=reasons or [], fields=fields))
        if status in ("resubmitted", "reopened"):  # verification decides afresh
            self.status, self.closed_at = "received", None
            return
        if status == "released":  # a claim was given up: the wish is back on the wall
            if self.status == "claimed":
                self.status = "published"
            return
        if STATUS_RANK[status] >= STATUS_RANK[self.status]:
            self.status = status
        if self.status in CLOSED and self.closed_at is None:
            self.closed_at = at


class StatusChange(Base):
    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    # With needs_info: which fields verification asked for (shared.vocab.INFO_FIELDS).
    fields: Mapped[list | None] = mapped_column(JSON)


class Attachment(Base):
    """A photo sent with a submission (the handwritten wish card); its bytes sealed."""

    __tablename__ = "attachments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submissions.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(30))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data_enc: Mapped[str | None] = mapped_column(Text)


class Account(Base):
    """Someone who logs in (or a government system with an API key) and their scope."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(50))
    communities: Mapped[list] = mapped_column(JSON, default=list)
    unit_code: Mapped[str | None] = mapped_column(String(32))
    org_code: Mapped[str | None] = mapped_column(String(32))
    # System clients: their source name, broker user, and a hash of their API key.
    app_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    broker_user: Mapped[str | None] = mapped_column(String(64))
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RefreshToken(Base):
    """A refresh token's id, so logout and rotation can revoke it."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """One decision or one read of unmasked personal data, from any service."""

    __tablename__ = "audit_entries"

    message_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[str] = mapped_column(String(64), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(50), index=True)
    object_type: Mapped[str] = mapped_column(String(30))
    object_id: Mapped[str] = mapped_column(String(64), index=True)
    community_code: Mapped[str | None] = mapped_column(String(32))
    service: Mapped[str] = mapped_column(String(20))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
