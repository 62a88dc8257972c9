"""The idempotent consumer against the real broker and database: once-only, poison, retries."""
from __future__ import annotations

import json
import threading
from dataclasses import asdict

import pytest
from kombu import Connection, Producer
from sqlalchemy import func, select

from shared import topology
from shared.consumer import Handler, IdempotentConsumer
from shared.envelope import Envelope
from tests.helpers import Capture, wait_for

QUEUE = topology.queue("scoring.wish-confirmed")


def _confirmed(n: int) -> Envelope:
    return Envelope(type="wish.confirmed", producer="matching",
                    payload={"wish_id": f"w{n}", "claim_id": f"c{n}", "member_id": "m1"})


def _publish(settings, body, message_id: str, routing_key: str = "wish.confirmed") -> None:
    with Connection(settings.broker_url) as conn:
        Producer(conn.default_channel).publish(
            body if isinstance(body, (bytes, str)) else json.dumps(body),
            exchange=topology.EVENTS, routing_key=routing_key, message_id=message_id,
            delivery_mode=2, content_type="application/json", retry=False)


def _outbox_count(db) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(db.outbox))


def _echo(uow, env) -> None:
    """A handler whose every application leaves one row behind, so duplicates would show."""
    uow.emit("points.awarded", {**asdict(env.payload), "points": 1, "total": 1})


@pytest.fixture
def run_consumer(settings, make_db):
    """Start an IdempotentConsumer over QUEUE with the given apply function, in a thread."""
    started = []

    def _run(apply, db=None):
        db = db or make_db("scoring")
        with Connection(settings.broker_url) as conn:
            topology.declare(conn, ["scoring"])
        consumer = IdempotentConsumer(Connection(settings.broker_url), db,
                                      [Handler(QUEUE, apply)], retry_backoff=0.05)
        thread = threading.Thread(target=consumer.run, daemon=True)
        thread.start()
        started.append((consumer, thread))
        return db

    yield _run
    for consumer, thread in started:
        consumer.should_stop = True
        thread.join(10)


def test_message_delivered_twice_is_applied_once(settings, run_consumer):
    db = run_consumer(_echo)
    first, second = _confirmed(1), _confirmed(2)
    for env in (first, first, second):
        _publish(settings, env.body(), env.message_id)
    wait_for(lambda: _outbox_count(db) == 2, what="both distinct messages applied")
    with db.engine.connect() as conn:
        marks = conn.scalar(select(func.count()).select_from(db.inbox))
    assert marks == 2
    # the duplicate was acknowledged, not left on the queue
    with Connection(settings.broker_url) as conn:
        wait_for(lambda: QUEUE(conn.default_channel).queue_declare(passive=True).message_count == 0,
                 what="queue drained")
    assert _outbox_count(db) == 2


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "undecodable"),
    ({"type": "wish.confirmed", "payload": {}}, "schema-invalid"),
])
def test_poison_goes_to_dead_queue_with_reason_and_next_message_is_processed(
        settings, run_consumer, body, reason):
    db = run_consumer(_echo)
    good = _confirmed(7)
    _publish(settings, body, "poison-1")
    _publish(settings, good.body(), good.message_id)
    wait_for(lambda: _outbox_count(db) == 1, what="the good message applied")

    dead = Capture(settings.broker_url, queue_name=f"{QUEUE.name}.dead")
    [message] = dead.take(1)
    assert message.properties["message_id"] == "poison-1"
    assert message.headers["x-reason"].startswith(reason)
    assert message.headers["x-first-queue"] == QUEUE.name
    raw = message.body if isinstance(message.body, bytes) else message.body.encode()
    assert raw == (body if isinstance(body, bytes) else json.dumps(body).encode())
    dead.close()


def test_transient_failure_is_retried_then_applied(settings, run_consumer):
    failures = []

    def flaky(uow, env):
        if len(failures) < 2:
            failures.append(env.message_id)
            raise ConnectionError("database briefly unavailable")
        _echo(uow, env)

    db = run_consumer(flaky)
    env = _confirmed(8)
    _publish(settings, env.body(), env.message_id)
    wait_for(lambda: _outbox_count(db) == 1, what="applied after retries")
    assert failures == [env.message_id, env.message_id]


def test_persistent_failure_is_dead_lettered_after_the_delivery_limit(settings, run_consumer):
    attempts = []

    def broken(uow, env):
        attempts.append(env.message_id)
        raise RuntimeError("bug")

    run_consumer(broken)
    env = _confirmed(9)
    _publish(settings, env.body(), env.message_id)
    dead = Capture(settings.broker_url, queue_name=f"{QUEUE.name}.dead")
    [message] = dead.take(1, timeout=60)
    assert message.properties["message_id"] == env.message_id
    assert message.headers["x-first-death-reason"] == "delivery_limit"
    assert len(attempts) == topology.DELIVERY_LIMIT + 1
    dead.close()
