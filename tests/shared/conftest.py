"""The consumer tests' bench: scoring's wish-confirmed queue on the real broker and database."""
from __future__ import annotations

import json
import threading

import pytest
from kombu import Connection, Producer
from sqlalchemy import func, select

from shared import topology
from shared.consumer import Handler, QueueConsumer
from shared.envelope import Envelope

QUEUE = topology.queue("scoring.wish-confirmed")


def echo(uow, env) -> None:
    """A handler whose every application leaves one row behind, so duplicates would show."""
    deed = env.payload
    uow.emit("points.awarded", {"member_id": deed.member_id, "claim_id": deed.claim_id,
                                "wish_id": deed.wish_id, "points": 1, "total": 1})


class QueueBench:
    """Publish onto QUEUE, run consumers over it, count what they applied."""

    queue = QUEUE
    echo = staticmethod(echo)

    def __init__(self, settings, make_db):
        self.settings = settings
        self.db = make_db("scoring")
        self.started: list[tuple[QueueConsumer, threading.Thread]] = []
        with Connection(settings.broker_url) as conn:
            topology.declare(conn, ["scoring"])

    @staticmethod
    def confirmed(n: int, **payload) -> Envelope:
        return Envelope(type="wish.confirmed", producer="matching", payload={
            "wish_id": f"w{n}", "claim_id": f"c{n}", "member_id": "m1", **payload})

    def publish(self, body, message_id: str, routing_key: str = "wish.confirmed",
                **properties) -> None:
        with Connection(self.settings.broker_url) as conn:
            Producer(conn.default_channel).publish(
                body if isinstance(body, (bytes, str)) else json.dumps(body),
                exchange=topology.EVENTS, routing_key=routing_key, message_id=message_id,
                delivery_mode=2, content_type="application/json", retry=False, **properties)

    def publish_all(self, envelopes) -> None:
        for env in envelopes:
            self.publish(env.body(), env.message_id)

    def run(self, apply, backoff: float = 0.05, decode=None, **options) -> QueueConsumer:
        """Start a QueueConsumer over QUEUE with `apply` (and `decode`), in a thread."""
        handler = Handler(QUEUE, apply, **({"decode": decode} if decode else {}))
        consumer = QueueConsumer(Connection(self.settings.broker_url), self.db, handler,
                                 retry_backoff=backoff, **options)
        thread = threading.Thread(target=consumer.run, daemon=True)
        thread.start()
        self.started.append((consumer, thread))
        return consumer

    def applied(self) -> int:
        """How many messages left their row in the outbox."""
        with self.db.engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(self.db.outbox))

    def waiting(self) -> int:
        with Connection(self.settings.broker_url) as conn:
            return QUEUE(conn.default_channel).queue_declare(passive=True).message_count

    def stop(self) -> None:
        for consumer, thread in self.started:
            consumer.should_stop = True
            thread.join(10)


@pytest.fixture
def bench(settings, make_db):
    made = QueueBench(settings, make_db)
    yield made
    made.stop()
