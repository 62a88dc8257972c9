"""Retention: erase a wisher's personal data a set number of days after their wish closes.

Safe with several replicas: each batch locks its rows with SKIP LOCKED, so two runners never
erase the same submission, and an erased one is never picked again. What stays (community,
kind, status, dates) keeps the statistics whole.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from services.intake.submissions.models import Submission
from shared.envelope import utcnow

ERASED_NAME = "*"


def erase_due(db, days: int, batch: int = 100, now=None) -> int:
    """Erase every submission closed more than `days` ago; returns how many this call erased."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    erased = 0
    while True:
        with db.uow() as uow:
            due = uow.session.scalars(
                select(Submission).where(Submission.closed_at < cutoff,
                                         Submission.erased_at.is_(None))
                .order_by(Submission.closed_at).limit(batch)
                .with_for_update(skip_locked=True)).all()
            if not due:
                return erased
            for sub in due:
                erase(uow, sub, now or utcnow())
            uow.commit()
            erased += len(due)


def erase(uow, sub: Submission, now) -> None:
    """Drop the personal data, keep the facts; tell the other services to drop their copies."""
    for column in ("name_enc", "id_number_enc", "id_number_hash", "phone_enc", "address_enc",
                   "household_enc", "consent_name_enc", "consent_photo_ref"):
        setattr(sub, column, None)
    for attachment in sub.attachments:  # the photos go; their type and size stay for the record
        attachment.data_enc = None
    sub.wisher_display = ERASED_NAME
    sub.description = ""
    sub.erased_at = now
    uow.forget_sent(sub.id)  # the sent wish.submitted still holds the sealed data
    uow.emit("wish.erased", {"wish_id": sub.id}, correlation_id=sub.id)
