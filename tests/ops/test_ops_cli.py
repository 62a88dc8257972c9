"""`microwish ops` queues, outbox and policies on the real broker and database, and its exits
when the broker, its management API or a database is away."""
from __future__ import annotations

import requests
from kombu import Connection
from sqlalchemy import select, update

from shared import topology
from shared.relay import Relay
from tests.conftest import MANAGEMENT_URL
from tests.helpers import wait_for


def test_queues_shows_each_queue_with_its_consumers_and_dead_depth(settings, dbs, cli):
    with Connection(settings.broker_url) as conn:
        topology.declare(conn)
    out = cli("queues")
    assert "consumers" in out and "oldest" in out
    line = next(row for row in out.splitlines() if row.startswith("scoring.wish-confirmed "))
    assert line.split()[1:5] == ["scoring", "0", "0", "0"]
    assert "microwish.retry" not in out and ".dead " not in out


def test_parked_outbox_rows_are_listed_and_sent_again(settings, dbs, cli):
    db = dbs["matching"]
    with Connection(settings.broker_url) as conn:
        topology.declare(conn)
    with db.uow() as uow:
        env = uow.emit("points.awarded", {"member_id": "m1", "claim_id": "c1", "wish_id": "w1",
                                           "points": 1, "total": 1})
        uow.commit()
    with db.engine.begin() as conn:
        conn.execute(update(db.outbox).values(parked_at=db.outbox.c.created_at, attempts=8,
                                              last_error="returned: NO_ROUTE"))
    out = cli("outbox")
    assert "returned: NO_ROUTE" in out and "points.awarded" in out
    assert "unparked 1 outbox rows" in cli("outbox", "retry", "matching")
    relay = Relay(db, settings.broker_url)
    try:
        wait_for(lambda: relay.publish_batch() or _sent(db, env.message_id), what="sent again")
    finally:
        relay.close()
    assert "returned: NO_ROUTE" not in cli("outbox")
    with db.engine.connect() as conn:
        kinds = conn.scalars(select(db.outbox.c.type)).all()
    assert sorted(kinds) == ["audit.recorded", "points.awarded"]


def _sent(db, message_id: str) -> bool:
    with db.engine.connect() as conn:
        return conn.scalar(select(db.outbox.c.sent_at).where(
            db.outbox.c.message_id == message_id)) is not None


def test_policies_give_every_dead_queue_a_ttl_and_a_length_limit(settings, dbs, cli):
    with Connection(settings.broker_url) as conn:
        topology.declare(conn)
    cli("policies", MICROWISH_DEAD_TTL_DAYS="2")
    vhost = settings.broker_url.rsplit("/", 1)[1]
    policy = requests.get(f"{MANAGEMENT_URL}/policies/{vhost}/microwish-dead", timeout=10,
                          auth=("guest", "guest")).json()
    assert policy["definition"]["message-ttl"] == 2 * 86_400_000
    assert policy["definition"]["max-length"] == 10_000
    assert policy["pattern"] == r"\.dead$"


def test_no_management_api_no_broker_no_database_each_exit_with_a_clear_message(settings, dbs,
                                                                                  cli):
    out = cli("queues", expect=3, MICROWISH_RABBITMQ_API="http://127.0.0.1:9/api")
    assert "无法连接 RabbitMQ 管理接口 / cannot reach the RabbitMQ management API" in out
    out = cli("dead", "replay", "scoring.wish-confirmed", expect=3,
              MICROWISH_BROKER_URL="amqp://guest:guest@127.0.0.1:9//")
    assert "无法连接消息队列 RabbitMQ / cannot reach the broker" in out
    out = cli("outbox", expect=3,
              MICROWISH_DATABASE_URL="postgresql://postgres@127.0.0.1:9/test")
    assert "无法连接数据库 / cannot reach a service's database" in out
    assert "Traceback" not in "".join(cli.outputs)


def test_only_an_ops_account_may_be_named(settings, dbs, cli):
    out = cli("outbox", "retry", "--as", "nobody", expect=2)
    assert "not an active ops account" in out
