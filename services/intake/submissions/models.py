"""Submissions, their status history and their attachments."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.intake.models import Base
from shared.timestamps import Instant
from shared.vocab import CLOSED, STATUS_RANK

log = logging.getLogger(__name__)

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
    consent_at: Mapped[datetime | None] = mapped_column(Instant)
    consent_name_enc: Mapped[str | None] = mapped_column(Text)
    consent_photo_ref: Mapped[str | None] = mapped_column(String(200))
    # Explicit yes/no, no by default: the liaison may tell the claimer the phone; the deed's
    # photo and story may be shown in public (圆梦故事).
    consent_share_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_publicity: Mapped[bool] = mapped_column(Boolean, default=False)
    submitted_by: Mapped[str | None] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(Instant)
    closed_at: Mapped[datetime | None] = mapped_column(Instant, index=True)
    erased_at: Mapped[datetime | None] = mapped_column(Instant)
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
        if status == "disputed":  # the deed reported done is not: back with its claimer
            if self.status == "fulfilled":
                self.status = "claimed"
            return
        if status in ("opened_citywide", "escalated", "pending_review"):  # steps, not statuses
            return
        if status not in STATUS_RANK:  # an outcome this intake does not know yet: history only
            log.warning("submission %s: unknown outcome %r kept in its history", self.id, status)
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
    at: Mapped[datetime] = mapped_column(Instant)
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
