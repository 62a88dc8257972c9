"""The leaderboards' table: whether a member lets the public board show them (masked)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from services.scoring.models import Base
from shared.timestamps import Instant


class LeaderboardPreference(Base):
    """A member's choice about the public members' board; no row means listed."""

    __tablename__ = "leaderboard_preferences"

    member_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    listed: Mapped[bool] = mapped_column(Boolean)
    set_at: Mapped[datetime] = mapped_column(Instant)
