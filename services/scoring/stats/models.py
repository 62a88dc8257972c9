"""The statistics' table: one row per wish, only what the figures need and nothing personal."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.models import Base
from shared.timestamps import Instant


class WishFact(Base):
    __tablename__ = "wish_facts"

    wish_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    community_code: Mapped[str | None] = mapped_column(String(32), index=True)
    kind: Mapped[str | None] = mapped_column(String(20))  # material / spiritual
    wish_type: Mapped[str | None] = mapped_column(String(20))  # individual / team
    category: Mapped[str | None] = mapped_column(String(30))  # one of shared.vocab.CATEGORIES
    urgent: Mapped[bool | None] = mapped_column(Boolean)
    # When the event the details above came from happened: an older one never overwrites them.
    details_as_of: Mapped[datetime | None] = mapped_column(Instant)
    # When it was collected: its submission, else the earliest step heard of (for the period).
    collected_at: Mapped[datetime | None] = mapped_column(Instant, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(Instant)
    verified_at: Mapped[datetime | None] = mapped_column(Instant)
    rejected_at: Mapped[datetime | None] = mapped_column(Instant)
    published_at: Mapped[datetime | None] = mapped_column(Instant)
    erased_at: Mapped[datetime | None] = mapped_column(Instant)
    first_claimed_at: Mapped[datetime | None] = mapped_column(Instant)  # by anyone, ever
    # The current claim: its claimer's account id (who they are is the member copy's), who
    # serves on it, its state (claimed, fulfilled, confirmed, released) and its steps' times.
    claim_id: Mapped[str | None] = mapped_column(String(36))
    claimer_id: Mapped[str | None] = mapped_column(String(64))
    serving: Mapped[list | None] = mapped_column(JSON)
    claim_state: Mapped[str | None] = mapped_column(String(20))
    claim_as_of: Mapped[datetime | None] = mapped_column(Instant)
    claimed_at: Mapped[datetime | None] = mapped_column(Instant, index=True)
    fulfilled_at: Mapped[datetime | None] = mapped_column(Instant)
    confirmed_at: Mapped[datetime | None] = mapped_column(Instant)
