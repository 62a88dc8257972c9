"""Intake's metadata: every sub-area's tables join it, with the outbox, inbox and rate limits."""
from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.messaging_tables import add_messaging_tables
from shared.ratelimit import add_rate_limit_table


class Base(DeclarativeBase):
    pass


add_messaging_tables(Base.metadata)
RATE_LIMITS = add_rate_limit_table(Base.metadata)
