"""The idempotent consumer against the real broker and database: once-only, poison, retries."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, func, select, text

from shared import topology
from shared.consumer import decode_event
from shared.db import normalise
from shared.errors import Poison
from shared.retries import ATTEMPTS
from shared.settings import ROOT
from tests.helpers import PG_URL, Capture, wait_for


def test_message_delivered_twice_is_applied_once(bench):
    bench.run(bench.echo)
    first, second = bench.confirmed(1), bench.confirmed(2)
    bench.publish_all([first, first, second])
    wait_for(lambda: bench.applied() == 2, what="both distinct messages applied")
    with bench.db.engine.connect() as conn:
        marks = conn.scalar(select(func.count()).select_from(bench.db.inbox))
    assert marks == 2
    # the duplicate was acknowledged, not left on the queue
    wait_for(lambda: bench.waiting() == 0, what="queue drained")
    assert bench.applied() == 2


@pytest.mark.parametrize("body, reason", [
    (b"{not json", "undecodable"),
    ({"type": "wish.confirmed", "payload": {}}, "schema-invalid"),
])
def test_poison_goes_to_dead_queue_with_reason_and_next_message_is_processed(
        settings, bench, body, reason):
    bench.run(bench.echo)
    good = bench.confirmed(7)
    bench.publish(body, "poison-1")
    bench.publish(good.body(), good.message_id)
    wait_for(lambda: bench.applied() == 1, what="the good message applied")

    dead = Capture(settings.broker_url, queue_name=f"{bench.queue.name}.dead")
    [message] = dead.take(1)
    assert message.properties["message_id"] == "poison-1"
    assert message.headers["x-reason"].startswith(reason)
    assert message.headers["x-first-queue"] == bench.queue.name
    raw = message.body if isinstance(message.body, bytes) else message.body.encode()
    assert raw == (body if isinstance(body, bytes) else json.dumps(body).encode())
    dead.close()


def test_database_outage_holds_the_batch_and_applies_it_after(bench):
    failures = []

    def flaky(uow, env):
        if len(failures) < 2:
            failures.append(env.message_id)
            raise ConnectionError("database briefly unavailable")
        bench.echo(uow, env)

    bench.run(flaky)
    env = bench.confirmed(8)
    bench.publish(env.body(), env.message_id)
    wait_for(lambda: bench.applied() == 1, what="applied once the database is back")
    assert failures == [env.message_id, env.message_id]
    assert bench.waiting() == 0


def test_persistent_failure_is_dead_lettered_with_its_last_error(settings, bench):
    attempts = []

    def broken(uow, env):
        attempts.append(env.message_id)
        raise RuntimeError("bug")

    bench.run(broken)
    env = bench.confirmed(9)
    bench.publish(env.body(), env.message_id)
    dead = Capture(settings.broker_url, queue_name=f"{bench.queue.name}.dead")
    [message] = dead.take(1, timeout=60)
    assert message.properties["message_id"] == env.message_id
    assert message.headers["x-reason"] == (
        f"gave up after {topology.RETRY_TIERS} retries: RuntimeError: bug")
    assert len(attempts) == topology.RETRY_TIERS + 1
    dead.close()


def test_one_batch_commits_the_good_and_sorts_out_the_rest(settings, bench):
    """Poison, a NUL the database refuses and a transient failure in one batch cost only themselves."""
    seen: list[str] = []

    def apply(uow, env):
        seen.append(env.payload.wish_id)
        if env.payload.wish_id == "w3":
            raise Poison("refused by a rule")
        if env.payload.wish_id == "w5" and seen.count("w5") == 1:
            raise RuntimeError("lock timeout")
        uow.session.execute(text("SELECT CAST(:member AS text)"), {"member": env.payload.member_id})
        bench.echo(uow, env)

    envelopes = [bench.confirmed(n) for n in range(1, 9)]
    envelopes[3] = bench.confirmed(4, member_id="m\u00001")  # PostgreSQL refuses NUL in text
    bench.publish_all(envelopes)  # all queued before the consumer starts: one batch
    bench.run(apply, batch_wait=0.5)
    wait_for(lambda: bench.applied() == 6, what="the six good messages, w5 on its retry")

    dead = Capture(settings.broker_url, queue_name=f"{bench.queue.name}.dead")
    reasons = {m.properties["message_id"]: m.headers["x-reason"] for m in dead.take(2)}
    dead.close()
    assert reasons == {envelopes[2].message_id: "refused by a rule",
                       envelopes[3].message_id: "invalid data: DataError"}
    assert seen.count("w5") == 2 and seen.count("w4") == 1  # invalid data is not retried
    assert bench.waiting() == 0


def test_a_failing_message_does_not_delay_the_ones_behind_it(bench):
    """Two failing messages ahead of 300: all 300 are applied before either is tried again."""
    order: list[str] = []  # each success, and each retry copy of a failing message as it arrives

    def decode(message):
        env = decode_event(message)
        if ATTEMPTS in (message.headers or {}):
            order.append(f"retry {env.payload.wish_id}")
        return env

    def apply(uow, env):
        if env.payload.wish_id in ("w0", "w1") and "retry " + env.payload.wish_id not in order:
            raise RuntimeError("briefly failing")  # every try of the first delivery fails
        bench.echo(uow, env)
        order.append(env.payload.wish_id)

    bench.publish_all([bench.confirmed(n) for n in range(302)])
    bench.run(apply, backoff=3.0, decode=decode)
    wait_for(lambda: bench.applied() == 302, timeout=60, what="every message applied")
    first_retry = min(order.index(f"retry {w}") for w in ("w0", "w1"))
    assert set(order[:first_retry]) == {f"w{n}" for n in range(2, 302)}


def test_a_retried_copy_reads_as_its_sender_sent_it(bench):
    """The retry copy goes out as our broker user; back from its tier it reads as the original."""
    senders: list = []

    def decode(message):
        senders.append(message.properties.get("user_id"))
        return decode_event(message)

    def apply(uow, env):
        if len(senders) == 1:
            raise RuntimeError("briefly failing")
        bench.echo(uow, env)

    bench.run(apply, decode=decode)
    env = bench.confirmed(11)
    bench.publish(env.body(), env.message_id)  # sent with no user_id
    wait_for(lambda: bench.applied() == 1, what="applied on its retry")
    assert senders == [None, None]


def test_a_dropped_database_connection_is_waited_out_not_dead_lettered(settings, bench):
    bench.run(bench.echo)
    bench.publish_all([bench.confirmed(n) for n in range(5)])
    wait_for(lambda: bench.applied() == 5, what="the first five applied")
    admin = create_engine(normalise(PG_URL))
    with admin.connect() as conn:  # as a database restart would, to the consumer's pool
        killed = conn.execute(text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE application_name = :name AND pid <> pg_backend_pid()"),
            {"name": f"microwish:{bench.db.schema}"}).scalar()
    admin.dispose()
    assert killed >= 1
    bench.publish_all([bench.confirmed(n) for n in range(5, 10)])
    wait_for(lambda: bench.applied() == 10, what="the next five applied on a fresh connection")
    dead = Capture(settings.broker_url, queue_name=f"{bench.queue.name}.dead")
    dead.settle(0.3)
    assert dead.received == []
    dead.close()


def test_two_consumers_given_the_same_messages_apply_each_once(bench):
    """Each message sent twice, two consumers racing on one queue: the inbox lets one apply it."""
    envelopes = [bench.confirmed(n) for n in range(200)]
    bench.publish_all(envelopes + envelopes)
    bench.run(bench.echo, batch_size=20)
    bench.run(bench.echo, batch_size=20)
    wait_for(lambda: bench.waiting() == 0 and bench.applied() >= 200, what="both copies consumed")
    wait_for(lambda: not any(c.pending for c, _ in bench.started), what="batches settled")
    assert bench.applied() == 200
    with bench.db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(bench.db.inbox)) == 200


def test_killed_between_commit_and_ack_it_applies_nothing_twice(settings, bench):
    bench.publish_all([bench.confirmed(n) for n in range(120)])
    env = {**os.environ, "MICROWISH_BROKER_URL": settings.broker_url,
           "MICROWISH_DATABASE_URL": PG_URL, "MICROWISH_SCORING_DATABASE_SCHEMA": bench.db.schema}
    crashed = subprocess.run([sys.executable, "-m", "tests.shared.crashing_consumer"], env=env,
                             cwd=ROOT, timeout=120)
    assert crashed.returncode == 9
    committed = bench.applied()
    assert 0 < committed < 120  # its first batch, committed and never acked
    bench.run(bench.echo)
    wait_for(lambda: bench.applied() == 120 and bench.waiting() == 0,
             what="the redelivered batch skipped, the rest applied")
    with bench.db.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(bench.db.inbox)) == 120
