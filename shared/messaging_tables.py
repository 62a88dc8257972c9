"""The outbox and inbox tables every service keeps in its own schema."""
from __future__ import annotations

from sqlalchemy import (BigInteger, Column, DateTime, Index, Integer, MetaData, String, Table,
                        Text)

_Id = BigInteger().with_variant(Integer, "sqlite")


def add_messaging_tables(metadata: MetaData) -> None:
    """Add `outbox` and `inbox` to a service's metadata."""
    Table(
        "outbox", metadata,
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("message_id", String(64), nullable=False, unique=True),
        Column("type", String(100), nullable=False),
        Column("routing_key", String(200), nullable=False),
        Column("correlation_id", String(64)),
        Column("body", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("sent_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", DateTime(timezone=True)),
        Column("last_error", Text),
        Index("ix_outbox_unsent", "sent_at", "id"),
    )
    Table(
        "inbox", metadata,
        Column("consumer", String(100), primary_key=True),
        Column("message_id", String(200), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )
