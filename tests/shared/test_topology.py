"""The declared topology on the real broker: quorum queues that dead-letter at least once."""
from __future__ import annotations

import json
import subprocess

from kombu import Connection

from shared import topology


def test_every_queue_is_a_quorum_queue_with_dead_lettering_and_a_dead_queue(vhost):
    with Connection(vhost) as conn:
        topology.declare(conn)
    out = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", vhost.rsplit("/", 1)[1],
                          "name", "type", "durable", "arguments", "--formatter", "json"],
                         check=True, capture_output=True, text=True).stdout
    queues = {q["name"]: q for q in json.loads(out)}
    declared = [q.name for qs in topology.QUEUES.values() for q in qs]
    assert set(queues) == set(declared) | {f"{name}.dead" for name in declared}
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
