"""Our inspection copy of each dead letter: kept by the consumer that dead-letters it, sealed, so
ops can list, read and replay it after the broker's copy in `<queue>.dead` has expired."""
from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta

from sqlalchemy import (BigInteger, Column, Index, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, delete)

from shared.envelope import utcnow
from shared.pii import Sealer
from shared.settings import env_int, environ
from shared.sql import insert_for
from shared.timestamps import Instant

log = logging.getLogger(__name__)

_Id = BigInteger().with_variant(Integer, "sqlite")
REPLAYS = "x-microwish-replays"  # how often ops replayed it: ours, never the broker's x-death
# Headers that describe one trip round the bus, not the message: a replay starts without them.
TRIP_HEADERS = ("x-reason", "x-first-queue", "x-death", "x-first-death-reason",
                "x-first-death-queue", "x-first-death-exchange", "x-last-death-reason",
                "x-last-death-queue", "x-last-death-exchange", "x-delivery-count", "x-last-error")


def add_dead_letter_table(metadata: MetaData) -> None:
    """`dead_letter`: one row per (queue, message), its content sealed, its reason in clear."""
    Table(
        "dead_letter", metadata,
        Column("id", _Id, primary_key=True, autoincrement=True),
        Column("queue", String(200), nullable=False),
        Column("message_id", String(200), nullable=False),
        Column("type", String(100)),
        Column("app_id", String(100)),
        Column("reason", Text, nullable=False),  # said without the message's values
        Column("sealed", Text, nullable=False),  # body, headers and properties, sealed
        Column("deaths", Integer, nullable=False, default=1),
        Column("replays", Integer, nullable=False, default=0),
        Column("first_seen", Instant, nullable=False),
        Column("last_seen", Instant, nullable=False),
        Column("replayed_at", Instant),  # set while a replay is on its way; dead again clears it
        Column("replayed_by", String(100)),
        UniqueConstraint("queue", "message_id", name="uq_dead_letter_queue_message"),
        Index("ix_dead_letter_last_seen", "last_seen"),
    )


def content(message, reason: str) -> dict:
    """What the copy seals: the exact body (text or base64), headers and properties."""
    body = message.body
    raw = body if isinstance(body, bytes) else str(body).encode()
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(raw).decode(), "base64"
    props = message.properties or {}
    headers = json.loads(json.dumps(dict(message.headers or {}), default=str))
    return {"body": text, "encoding": encoding, "headers": headers, "reason": reason,
            "properties": {k: props.get(k) for k in (
                "message_id", "type", "app_id", "user_id", "correlation_id")}
            | {"content_type": message.content_type, "content_encoding": message.content_encoding}}


def body_bytes(opened: dict) -> bytes:
    text = opened["body"]
    return base64.b64decode(text) if opened["encoding"] == "base64" else text.encode("utf-8")


def keep(db, queue_name: str, dead: list[tuple[object, str]], absorbed: bool = False) -> bool:
    """Write (or refresh) the copies of `dead` (message, reason) before they go to the dead queue;
    False when the database refused: the broker's copy is then the only one.

    `absorbed`: taken from the dead queue by ops, where a copy already written by the consumer
    is the same death, not another (only one replayed since counts again)."""
    if not dead or "dead_letter" not in db.metadata.tables:
        return True
    table, sealer, now = db.metadata.tables["dead_letter"], Sealer(db.settings.pii_keys), utcnow()
    rows = []
    for message, reason in dead:
        props = message.properties or {}
        rows.append(dict(
            queue=queue_name, message_id=(props.get("message_id") or "?")[:200],
            type=(props.get("type") or None), app_id=(props.get("app_id") or None),
            reason=reason[:1000], sealed=sealer.seal(content(message, reason)), deaths=1,
            replays=int((message.headers or {}).get(REPLAYS, 0) or 0),
            first_seen=now, last_seen=now))
    insert = insert_for(db.engine.dialect.name)(table)
    try:
        with db.engine.begin() as conn:
            for row in rows:  # dead again after a replay: the same row, counted, live again
                conn.execute(insert.values(**row).on_conflict_do_update(
                    index_elements=["queue", "message_id"],
                    set_={"reason": row["reason"], "sealed": row["sealed"],
                          "replays": row["replays"], "last_seen": now, "replayed_at": None,
                          "deaths": table.c.deaths + 1},
                    where=table.c.replayed_at.is_not(None) if absorbed else None))
        return True
    except Exception:
        if absorbed:
            raise
        log.exception("keeping %d dead letters of %s failed; only the broker keeps them",
                      len(rows), queue_name)
        return False


def create_dead_letters_v1(op) -> None:
    """Migration step: the `dead_letter` table as it first was."""
    import sqlalchemy as sa

    op.create_table(
        "dead_letter",
        sa.Column("id", _Id, primary_key=True, autoincrement=True),
        sa.Column("queue", sa.String(200), nullable=False),
        sa.Column("message_id", sa.String(200), nullable=False),
        sa.Column("type", sa.String(100)),
        sa.Column("app_id", sa.String(100)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("sealed", sa.Text, nullable=False),
        sa.Column("deaths", sa.Integer, nullable=False),
        sa.Column("replays", sa.Integer, nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replayed_at", sa.DateTime(timezone=True)),
        sa.Column("replayed_by", sa.String(100)),
        sa.UniqueConstraint("queue", "message_id", name="uq_dead_letter_queue_message"),
    )
    op.create_index("ix_dead_letter_last_seen", "dead_letter", ["last_seen"])


def drop_dead_letters_v1(op) -> None:
    op.drop_index("ix_dead_letter_last_seen", table_name="dead_letter")
    op.drop_table("dead_letter")


def copy_days(env: dict[str, str] | None = None) -> int:
    """MICROWISH_DEAD_COPY_DAYS: how long our copy outlives its last death (14 days)."""
    return env_int(environ(env), "MICROWISH_DEAD_COPY_DAYS", 14)


def expire(db, days: int | None = None) -> int:
    """Delete the copies whose last death is older than `days`; how many went."""
    if "dead_letter" not in db.metadata.tables:
        return 0
    table = db.metadata.tables["dead_letter"]
    cutoff = utcnow() - timedelta(days=copy_days() if days is None else days)
    with db.engine.begin() as conn:
        return conn.execute(delete(table).where(table.c.last_seen < cutoff)).rowcount or 0
