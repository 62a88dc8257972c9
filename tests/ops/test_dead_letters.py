"""`microwish ops dead …` against the real broker and database: a poisoned message listed with its
reason, replayed and applied once, duplicates skipped by the inbox, the replay limit, our copy
outliving the broker's, and no ID number on the screen."""
from __future__ import annotations

import json

import requests
from kombu import Connection, Producer
from sqlalchemy import select

from services.worker import service_module
from shared import topology
from shared.consumer import QueueConsumer
from shared.errors import Poison
from tests.conftest import MANAGEMENT_URL
from tests.factories import ID_NUMBER, submission
from tests.helpers import wait_for

QUEUE = "scoring.wish-confirmed"


def fixable(bench, state: dict):
    """Refuses every message while `state['broken']`, then applies it (one outbox row each)."""
    def apply(uow, env):
        if state["broken"]:
            raise Poison("member unknown to scoring")
        bench.echo(uow, env)
    return apply


def kept(dbs, queue=QUEUE) -> list:
    db = dbs[queue.split(".")[0]]
    table = db.metadata.tables["dead_letter"]
    with db.engine.connect() as conn:
        return conn.execute(select(table).where(table.c.queue == queue)).all()


def dead_depth(settings, queue=QUEUE) -> int:
    with Connection(settings.broker_url) as conn:
        return topology.dead_queue(topology.queue(queue))(conn.default_channel).queue_declare(
            passive=True).message_count


def test_a_poisoned_message_is_listed_replayed_and_once_fixed_applied_exactly_once(
        settings, dbs, bench, cli):
    state = {"broken": True}
    bench.run(fixable(bench, state))
    env = bench.confirmed(1)
    bench.publish(env.body(), env.message_id)
    wait_for(lambda: kept(dbs), what="the consumer kept its copy")
    listed = cli("dead", "list")
    assert QUEUE in listed and "member unknown to scoring" in listed and " 1 " in listed
    assert env.message_id in cli("dead", "list", QUEUE, "--each")
    wait_for(lambda: dead_depth(settings) == 1, what="the broker's copy too")

    assert "would replay" in cli("dead", "replay", QUEUE, "--dry-run")
    state["broken"] = False
    out = cli("dead", "replay", QUEUE)
    assert "replayed 1 of 1" in out
    wait_for(lambda: awarded(dbs) == 1, what="applied on its replay")
    assert dead_depth(settings) == 0  # the broker's stale copy was taken in, not left to expire
    [row] = kept(dbs)
    assert row.replays == 1 and row.replayed_at is not None and row.replayed_by.startswith("os:")
    assert "replayed 0 of 0" in cli("dead", "replay", QUEUE)  # nothing is replayed twice
    assert cli("dead", "list").count(QUEUE) == 0
    audits = _audits(dbs["scoring"])
    assert [a["payload"]["action"] for a in audits] == ["dead_letters.replayed"]
    assert audits[0]["payload"]["detail"]["message_ids"] == [env.message_id]


def test_a_replay_of_an_applied_message_is_skipped_by_the_inbox(settings, dbs, bench, cli):
    bench.run(bench.echo)
    env = bench.confirmed(2)
    bench.publish(env.body(), env.message_id)
    wait_for(lambda: awarded(dbs) == 1, what="applied")
    # Dead-lettered by the broker after it was applied (its delivery limit, say): only there.
    with Connection(settings.broker_url) as conn:
        Producer(conn.default_channel).publish(
            json.dumps(env.body()), exchange=topology.DEAD, routing_key=QUEUE, message_id=env.message_id,
            delivery_mode=2, content_type="application/json", retry=False,
            headers={"x-first-death-reason": "delivery_limit"})
    assert "replayed 1 of 1" in cli("dead", "replay", QUEUE)
    later = bench.confirmed(3)
    bench.publish(later.body(), later.message_id)
    wait_for(lambda: awarded(dbs) == 2, what="the message behind the replay applied")
    assert awarded(dbs) == 2  # the replayed duplicate changed nothing
    assert kept(dbs)[0].reason == "delivery_limit"


def test_the_replay_limit_holds(settings, dbs, bench, cli):
    bench.run(fixable(bench, {"broken": True}))
    env = bench.confirmed(4)
    bench.publish(env.body(), env.message_id)
    wait_for(lambda: kept(dbs), what="dead once")
    assert "replayed 1 of 1" in cli("dead", "replay", QUEUE, MICROWISH_REPLAY_LIMIT="1")
    wait_for(lambda: kept(dbs)[0].replayed_at is None, what="dead again after its replay")
    [row] = kept(dbs)
    assert (row.deaths, row.replays) == (2, 1)  # the count our own header carried back
    out = cli("dead", "replay", QUEUE, MICROWISH_REPLAY_LIMIT="1")
    assert "refused: replayed 1 times already (limit 1)" in out and "replayed 0 of 1" in out


def test_our_copy_outlives_the_brokers(settings, dbs, bench, cli):
    state = {"broken": True}
    bench.run(fixable(bench, state))
    env = bench.confirmed(5)
    bench.publish(env.body(), env.message_id)
    wait_for(lambda: kept(dbs) and dead_depth(settings) == 1, what="dead, both copies")
    vhost = settings.broker_url.rsplit("/", 1)[1]
    requests.delete(f"{MANAGEMENT_URL}/queues/{vhost}/{QUEUE}.dead/contents", timeout=10,
                    auth=("guest", "guest")).raise_for_status()  # as its TTL would
    assert dead_depth(settings) == 0
    assert "member unknown to scoring" in cli("dead", "list")
    state["broken"] = False
    assert "replayed 1 of 1" in cli("dead", "replay", QUEUE)
    wait_for(lambda: awarded(dbs) == 1, what="applied from our copy")


def test_purge_asks_first_and_empties_both_copies(settings, dbs, bench, cli):
    bench.run(fixable(bench, {"broken": True}))
    env = bench.confirmed(6)
    bench.publish(env.body(), env.message_id)
    wait_for(lambda: kept(dbs) and dead_depth(settings) == 1, what="dead")
    cli("dead", "purge", QUEUE, input="n\n", expect=1)
    assert kept(dbs)
    assert "and 1 kept copies" in cli("dead", "purge", QUEUE, "--yes")
    assert kept(dbs) == [] and dead_depth(settings) == 0
    assert [a["payload"]["action"] for a in _audits(dbs["scoring"])] == ["dead_letters.purged"]


def test_a_systems_dead_submission_never_shows_an_id_number(settings, dbs, cli):
    """What another system sent, ID number and all, is sealed in our copy and masked on screen."""
    intake = dbs["intake"]
    handler = next(h for h in service_module("intake").handlers(settings)
                   if h.queue.name == "intake.submissions")
    with Connection(settings.broker_url) as conn:
        topology.declare(conn, ["intake"])
    consumer = QueueConsumer(Connection(settings.broker_url), intake, handler)
    import threading
    threading.Thread(target=consumer.run, daemon=True).start()
    try:
        sent = submission()
        with Connection(settings.broker_url) as conn:  # no schema header: poison at once
            Producer(conn.default_channel).publish(
                json.dumps(sent, ensure_ascii=False), exchange=topology.INTAKE,
                routing_key="submission", message_id="ref-1", app_id="city-hotline",
                delivery_mode=2, content_type="application/json", retry=False)
        wait_for(lambda: kept(dbs, "intake.submissions"), what="the intake consumer kept it")
    finally:
        consumer.should_stop = True
    [row] = kept(dbs, "intake.submissions")
    assert ID_NUMBER not in row.sealed
    assert "unknown schema header" in cli("dead", "list", "intake.submissions")
    shown = cli("dead", "show", f"intake-{row.id}")
    wisher = sent["wisher"]
    for secret in (ID_NUMBER, wisher["phone"], wisher["name"]):
        assert secret not in shown
    opened = json.loads(shown)
    assert opened["body"]["wisher"]["id_number"] == "«已隐去 hidden»"
    assert opened["body"]["wisher"]["name"].startswith(wisher["name"][0])
    assert opened["properties"]["app_id"] == "city-hotline"
    for out in cli.outputs:
        assert ID_NUMBER not in out


def awarded(dbs) -> int:
    """How many messages the bench's handler applied (audit rows share its outbox)."""
    db = dbs["scoring"]
    with db.engine.connect() as conn:
        return len(conn.scalars(select(db.outbox.c.id).where(
            db.outbox.c.type == "points.awarded")).all())


def _audits(db) -> list[dict]:
    with db.engine.connect() as conn:
        bodies = conn.scalars(select(db.outbox.c.body).where(
            db.outbox.c.type == "audit.recorded")).all()
    return [json.loads(b) for b in bodies]
