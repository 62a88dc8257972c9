"""The declared topology on the real broker: quorum queues that dead-letter at least once."""
from __future__ import annotations

import json
import subprocess

from kombu import Connection, Producer

from shared import topology
from tests.helpers import wait_for


def test_every_queue_is_a_quorum_queue_with_dead_lettering_and_a_dead_queue(vhost):
    with Connection(vhost) as conn:
        topology.declare(conn)
    out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost.rsplit("/", 1)[1],
                          "name", "type", "durable", "arguments", "--formatter", "json"],
                         check=True, capture_output=True, text=True).stdout
    queues = {q["name"]: q for q in json.loads(out)}
    declared = [q.name for qs in topology.QUEUES.values() for q in qs]
    tiers = {f"microwish.retry.{tier}" for tier in range(1, topology.RETRY_TIERS + 1)}
    assert set(queues) == set(declared) | {f"{name}.dead" for name in declared} | tiers
    for name in tiers:  # an expired retry comes back through the requeue exchange
        args = {key: value for key, _type, value in queues[name]["arguments"]}
        assert queues[name]["type"] == "quorum"
        assert args["x-dead-letter-exchange"] == topology.REQUEUE.name
    for name in declared:
        q = queues[name]
        args = {key: value for key, _type, value in q["arguments"]}
        assert q["type"] == "quorum" and q["durable"] is True
        assert args["x-dead-letter-exchange"] == "microwish.dead"
        assert args["x-dead-letter-routing-key"] == name
        assert args["x-dead-letter-strategy"] == "at-least-once"
        assert args["x-overflow"] == "reject-publish"
        assert args["x-delivery-limit"] == topology.DELIVERY_LIMIT
        assert queues[f"{name}.dead"]["type"] == "quorum"


def test_an_expired_retry_comes_back_to_its_own_queue_only(vhost):
    """A copy in a retry tier returns, after its expiration, to the queue it names and no other."""
    with Connection(vhost) as conn:
        topology.declare(conn)
        channel = conn.default_channel
        Producer(channel).publish(b"again", exchange=topology.retry_exchange(2),
                                  routing_key="scoring.wish-confirmed", expiration=0.05,
                                  delivery_mode=2, retry=False)
        back = topology.queue("scoring.wish-confirmed")(channel)
        other = topology.queue("scoring.members")(channel)
        message = wait_for(lambda: back.get(no_ack=True), what="the copy back on its queue")
    assert message.body == b"again"
    with Connection(vhost) as conn:
        assert other(conn.default_channel).queue_declare(passive=True).message_count == 0
