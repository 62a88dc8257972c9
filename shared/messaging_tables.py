"""The outbox and inbox tables every service keeps in its own schema."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, MetaData, String, Table, Text, text

from shared.dead_letters import add_dead_letter_table
from shared.timestamps import Instant

_Id = BigInteger().with_variant(Integer, "sqlite")
# Only rows still to send are in the relay's index, so sent and parked ones never slow its scan.
_WAITING = text("sent_at IS NULL AND parked_at IS NULL")


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
        Column("created_at", Instant, nullable=False),
        Column("sent_at", Instant),
        Column("attempts", Integer, nullable=False, default=0),
        Column("next_attempt_at", Instant),  # due from then on
        Column("last_error", Text),
        Column("parked_at", Instant),  # given up on: ops look at it, not the relay
        Index("ix_outbox_due", "next_attempt_at", "id", postgresql_where=_WAITING,
              sqlite_where=_WAITING),
    )
    Table(
        "inbox", metadata,
        Column("consumer", String(100), primary_key=True),
        Column("message_id", String(200), primary_key=True),
        Column("processed_at", Instant, nullable=False),
    )
    add_dead_letter_table(metadata)



def create_messaging_tables_v1(op) -> None:
    """Migration step shared by every service's first revision: `outbox` and `inbox` as they were.

    Spelled out, not derived from the live tables: later changes get migrations of their own.
    """
    import sqlalchemy as sa

    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(100), primary_key=True),
        sa.Column("message_id", sa.String(200), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("message_id", sa.String(64), nullable=False, unique=True),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("routing_key", sa.String(200), nullable=False),
        sa.Column("correlation_id", sa.String(64)),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("ix_outbox_unsent", "outbox", ["sent_at", "id"])


def drop_messaging_tables_v1(op) -> None:
    op.drop_index("ix_outbox_unsent", table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("inbox")


def park_outbox_v2(op) -> None:
    """Migration step: parked rows, and the relay's index over only the rows still due."""
    import sqlalchemy as sa

    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("parked_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE outbox SET next_attempt_at = created_at WHERE next_attempt_at IS NULL")
    op.drop_index("ix_outbox_unsent", table_name="outbox")
    waiting = sa.text("sent_at IS NULL AND parked_at IS NULL")
    op.create_index("ix_outbox_due", "outbox", ["next_attempt_at", "id"],
                    postgresql_where=waiting, sqlite_where=waiting)


def unpark_outbox_v2(op) -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.create_index("ix_outbox_unsent", "outbox", ["sent_at", "id"])
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("parked_at")
