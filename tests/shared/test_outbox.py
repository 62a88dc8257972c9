"""The transactional outbox and its relay, against the real PostgreSQL and RabbitMQ."""
from __future__ import annotations

import threading

from kombu import Connection
from sqlalchemy import func, insert, select, text, update

from shared import topology
from shared.envelope import utcnow
from shared.relay import OUTBOX_ATTEMPTS, Relay, due
from tests.helpers import Capture


def _claimed(n: int) -> dict:
    return {"wish_id": f"w{n}", "claim_id": f"c{n}", "member_id": f"m{n}"}


def _unsent(db) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(db.outbox)
                           .where(db.outbox.c.sent_at.is_(None)))


def _declare(settings) -> None:
    with Connection(settings.broker_url) as conn:
        topology.declare(conn)


def test_row_rolled_back_with_its_transaction_is_never_published(settings, make_db):
    db = make_db("matching")
    _declare(settings)
    capture = Capture(settings.broker_url)
    with db.uow() as uow:
        uow.emit("wish.claimed", _claimed(1))  # never committed
    with db.uow() as uow:
        kept = uow.emit("wish.claimed", _claimed(2))
        uow.commit()

    relay = Relay(db, settings.broker_url)
    try:
        while relay.publish_batch():
            pass
    finally:
        relay.close()

    capture.settle(0.5)
    assert [m.properties["message_id"] for m in capture.received] == [kept.message_id]
    assert capture.bodies()[0]["payload"] == _claimed(2)
    assert _unsent(db) == 0
    capture.close()


def test_published_messages_are_persistent_with_ids_and_envelope(settings, make_db):
    db = make_db("matching")
    _declare(settings)
    capture = Capture(settings.broker_url, "wish.claimed")
    with db.uow() as uow:
        env = uow.emit("wish.claimed", _claimed(3), correlation_id="w3")
        uow.commit()
    relay = Relay(db, settings.broker_url)
    relay.publish_batch()
    relay.close()
    [message] = capture.take(1)
    assert message.properties["delivery_mode"] == 2
    assert message.properties["message_id"] == env.message_id
    assert message.properties["correlation_id"] == "w3"
    body = capture.bodies()[0]
    assert body["type"] == "wish.claimed" and body["producer"] == "matching"
    assert {"schema_version", "occurred_at", "payload"} <= set(body)
    capture.close()


def test_two_relays_together_publish_every_row_once_and_mark_it(settings, make_db):
    db = make_db("matching")
    _declare(settings)
    capture = Capture(settings.broker_url)
    with db.uow() as uow:
        ids = {uow.emit("wish.claimed", _claimed(n)).message_id for n in range(600)}
        uow.commit()

    relays = [Relay(db, settings.broker_url, batch_size=25) for _ in range(2)]
    published = [0, 0]

    def run(i: int) -> None:
        while _unsent(db):
            published[i] += relays[i].publish_batch()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for r in relays:
        r.close()

    received = [m.properties["message_id"] for m in capture.take(600)]
    capture.settle(0.5)
    received = [m.properties["message_id"] for m in capture.received]
    assert set(received) == ids
    assert len(received) == len(ids)  # SKIP LOCKED: no row went out twice
    assert _unsent(db) == 0
    assert all(published), f"both relays should have shared the work: {published}"
    capture.close()


def test_unroutable_message_is_not_marked_sent(settings, make_db):
    db = make_db("intake")
    _declare(settings)
    with db.uow() as uow:  # a receipt for a source that never bound a queue
        uow.emit("submission.accepted", {"source": "nobody", "source_ref": "r1", "wish_id": "w1"},
                 routing_key="submission.accepted.nobody")
        uow.commit()
    relay = Relay(db, settings.broker_url)
    assert relay.publish_batch() == 0
    relay.close()
    with db.engine.connect() as conn:
        row = conn.execute(select(db.outbox)).one()
    assert row.sent_at is None
    assert row.attempts == 1 and "returned" in row.last_error


def test_a_row_refused_again_and_again_is_parked_and_left_alone(settings, make_db):
    db = make_db("intake")
    _declare(settings)
    with db.uow() as uow:
        uow.emit("submission.accepted", {"source": "nobody", "source_ref": "r1", "wish_id": "w1"},
                 routing_key="submission.accepted.nobody")
        uow.commit()
    relay = Relay(db, settings.broker_url)
    for _ in range(OUTBOX_ATTEMPTS):
        with db.engine.begin() as conn:  # its backoff is over
            conn.execute(update(db.outbox).values(next_attempt_at=utcnow()))
        relay.publish_batch()
    with db.engine.begin() as conn:
        conn.execute(update(db.outbox).values(next_attempt_at=utcnow()))
        row = conn.execute(select(db.outbox)).one()
    assert row.parked_at is not None and row.sent_at is None
    assert row.attempts == OUTBOX_ATTEMPTS and "returned" in row.last_error
    assert relay.publish_batch() == 0  # parked: the relay no longer tries it
    with db.engine.connect() as conn:
        assert conn.execute(select(db.outbox.c.attempts)).scalar() == OUTBOX_ATTEMPTS
    relay.close()


def test_the_relay_scan_skips_parked_rows_by_index(settings, make_db):
    db = make_db("intake")
    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(insert(db.outbox), [
            {"message_id": f"parked-{n}", "type": "submission.accepted", "routing_key": "x",
             "body": "{}", "created_at": now, "next_attempt_at": now, "attempts": 8,
             "parked_at": now} for n in range(3000)])
        conn.execute(text("ANALYZE outbox"))
        scan = due(db.outbox, 200).compile(dialect=conn.dialect)
        plan = "\n".join(conn.exec_driver_sql("EXPLAIN " + str(scan), scan.params).scalars())
    assert "ix_outbox_due" in plan, plan
