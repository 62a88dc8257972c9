"""The broker's definitions file: made from the topology, each service's user reaching exactly its
own queues, and on a real broker a service refused another's queue."""
from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pika
import pytest
import requests
from click.testing import CliRunner
from kombu import Connection

from services.intake.accounts import broker as system_broker
from services.ops import definitions as defs
from services.ops import rules
from services.ops.cli import ops
from services.ops.config import Config
from shared.retries import ATTEMPTS, OPS_USERS, SENDER, restore_sender
from shared.topology import (QUEUES, RETRY_TIERS, dead_queue, declare, declare_queue,
                             receipts_queue, retry_queue)
from tests.conftest import AMQP_URL, MANAGEMENT_URL

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "deploy" / "rabbitmq" / "definitions.json"
K8S_COPY = ROOT / "deploy" / "k8s" / "base" / "files" / "definitions.json"
WORK = [q.name for qs in QUEUES.values() for q in qs]
DEAD = [f"{name}.dead" for name in WORK]
RETRY = [retry_queue(t).name for t in range(1, RETRY_TIERS + 1)]
RECEIPTS = [receipts_queue("gov-hotline").name, "receipts.gov-hotline.dead"]
EVERY_QUEUE = WORK + DEAD + RETRY + RECEIPTS


def _allowed(pattern: str, name: str) -> bool:
    return re.search(pattern, name) is not None  # RabbitMQ's match: unanchored unless the regex is


def test_the_committed_file_is_what_the_generator_writes():
    made = CliRunner().invoke(ops, ["definitions"])
    assert made.exit_code == 0, made.output
    assert COMMITTED.read_text(encoding="utf-8") == made.output, \
        "run: microwish ops definitions > deploy/rabbitmq/definitions.json"
    assert K8S_COPY.read_text(encoding="utf-8") == made.output, \
        "run: cp deploy/rabbitmq/definitions.json deploy/k8s/base/files/"


def test_it_holds_every_queue_with_the_arguments_the_services_declare():
    document = defs.definitions()
    queues = {q["name"]: q for q in document["queues"]}
    assert set(queues) == set(WORK + DEAD + RETRY)
    for qs in QUEUES.values():
        for q in qs:
            assert queues[q.name]["arguments"] == q.queue_arguments
            assert queues[dead_queue(q).name]["arguments"] == {"x-queue-type": "quorum"}
    bound = {(b["source"], b["destination"], b["routing_key"]) for b in document["bindings"]}
    for qs in QUEUES.values():
        for q in qs:
            assert {(b.exchange.name, q.name, b.routing_key) for b in q.bindings} <= bound
    assert "users" not in document  # users carry password hashes: the secret file


@pytest.mark.parametrize("service", list(QUEUES))
def test_each_service_reaches_exactly_its_own_queues(service):
    g = defs.grants(service)
    own = [q.name for q in QUEUES[service]]
    receipts = RECEIPTS if service == "intake" else []
    readable = {n for n in EVERY_QUEUE if _allowed(g["read"], n)}
    assert readable == set(own + RETRY + receipts[:1])  # a DLX's queue must be readable to declare
    configurable = {n for n in EVERY_QUEUE if _allowed(g["configure"], n)}
    assert configurable == set(own + [f"{n}.dead" for n in own] + RETRY + receipts)
    writable = {n for n in EVERY_QUEUE if _allowed(g["write"], n)}
    assert writable == configurable  # binding a queue needs write on it
    for name in ("microwish.events", "microwish.dead", "microwish.requeue", *RETRY):
        assert _allowed(g["write"], name), name
    assert not _allowed(g["write"], "microwish.intake")  # only government systems submit there
    assert _allowed(g["read"], "microwish.intake") == (service == "intake")
    for pattern in g.values():  # no prefix or suffix slips through
        assert not _allowed(pattern, own[0] + "x") and not _allowed(pattern, "x" + own[0])


def test_the_dead_queues_policy_is_the_ops_tools():
    config = Config()
    (policy,) = defs.definitions()["policies"]
    assert policy == {"vhost": defs.VHOST, "name": rules.POLICY_NAME,
                      **rules.policy(config.dead_ttl_days, config.dead_max_length)}
    assert all(_allowed(policy["pattern"], n) for n in DEAD)
    assert not any(_allowed(policy["pattern"], n) for n in WORK + RETRY)


def test_a_system_gets_the_grants_systems_register_gives():
    document = defs.definitions(systems=("gov-hotline",))
    g = system_broker.grants("gov-hotline", defs.VHOST)
    assert {"user": "gov-hotline", "vhost": defs.VHOST, "configure": g.configure,
            "write": g.write, "read": g.read} in document["permissions"]
    assert document["topic_permissions"] == [{"user": "gov-hotline", "vhost": defs.VHOST,
                                              "exchange": g.topic_exchange,
                                              "write": g.topic_write, "read": "^$"}]


def test_the_users_file_needs_every_password_and_hashes_them():
    made = CliRunner().invoke(ops, ["definitions", "--users"], env={
        defs.password_variable(u): None for u in defs.user_names()})
    assert made.exit_code == 2 and "MICROWISH_BROKER_PASSWORD_INTAKE" in made.output
    env = {defs.password_variable(u): f"pw-{u}" for u in defs.user_names()}
    made = CliRunner().invoke(ops, ["definitions", "--users"], env=env)
    assert made.exit_code == 0, made.output
    users = {u["name"]: u for u in json.loads(made.output)["users"]}
    assert set(users) == {"microwish", "keda", "ops", *QUEUES}
    assert "pw-" not in made.output
    assert users["microwish"]["tags"] == ["administrator"] and users["intake"]["tags"] == []
    salt = __import__("base64").b64decode(users["intake"]["password_hash"])[:4]
    assert users["intake"]["password_hash"] == defs.password_hash("pw-intake", salt)


@pytest.fixture
def imported(vhost):
    """The definitions imported into this test's vhost, with users of its own; their URLs."""
    name = vhost.rsplit("/", 1)[1]
    suffix = uuid.uuid4().hex[:6]
    document = json.loads(json.dumps(defs.definitions(name)))
    rename = {s: f"{s}-{suffix}" for s in (*QUEUES, defs.OPS)}
    for p in document["permissions"]:
        p["user"] = rename.get(p["user"], p["user"])
    document["permissions"] = [p for p in document["permissions"] if p["user"] in rename.values()]
    passwords = {user: uuid.uuid4().hex for user in rename.values()}
    document.update(defs.users(passwords))
    api = requests.Session()
    api.auth = ("guest", "guest")
    api.post(f"{MANAGEMENT_URL}/definitions", json=document, timeout=60).raise_for_status()
    host = AMQP_URL.split("@", 1)[1]
    yield {s: f"amqp://{rename[s]}:{passwords[rename[s]]}@{host}/{name}" for s in rename}
    for user in rename.values():
        api.delete(f"{MANAGEMENT_URL}/users/{user}", timeout=30)


def test_on_the_broker_each_service_declares_its_own_and_is_refused_another_s(imported):
    for service in QUEUES:
        with Connection(imported[service]) as conn:  # exactly what its worker does when it starts
            declare(conn, [service])
            if service == "intake":
                declare_queue(conn, receipts_queue("gov-hotline"))
    conn = pika.BlockingConnection(pika.URLParameters(imported["verification"]))
    channel = conn.channel()
    channel.basic_consume("verification.wish-submitted", lambda *a: None)  # its own: fine
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        channel.basic_consume("matching.wish-verified", lambda *a: None)
    assert refused.value.reply_code == 403
    channel = conn.channel()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        channel.basic_consume("verification.wish-submitted.dead", lambda *a: None)
    assert refused.value.reply_code == 403  # dead letters are ops' to read
    channel = conn.channel()
    channel.confirm_delivery()
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        channel.basic_publish("microwish.intake", "submission", b"{}")
    assert refused.value.reply_code == 403
    conn.close()


def test_ops_reads_dead_queues_and_replays_but_reads_no_work_queue(imported):
    with Connection(imported["scoring"]) as conn:
        declare(conn, ["scoring"])
    conn = pika.BlockingConnection(pika.URLParameters(imported["ops"]))
    channel = conn.channel()
    channel.confirm_delivery()
    assert channel.basic_get("scoring.members.dead") == (None, None, None)  # absorb's read
    channel.basic_publish("microwish.requeue", "scoring.members", b"{}", mandatory=True)
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        channel.basic_get("scoring.members")
    assert refused.value.reply_code == 403
    conn.close()


class _Message:
    def __init__(self, user_id):
        self.headers = {ATTEMPTS: 0, SENDER: "gov-hotline"}
        self.properties = {"user_id": user_id}


def test_a_replay_by_ops_reads_as_its_sender_s_and_nobody_else_may_say_so():
    assert {defs.ADMIN, defs.OPS} <= set(OPS_USERS)
    for user in (defs.OPS, defs.ADMIN, "intake"):
        message = _Message(user)
        restore_sender(message, "intake")
        assert message.properties["user_id"] == "gov-hotline", user
    message = _Message("gov-other")  # a system's own message: the broker vouched for gov-other
    restore_sender(message, "intake")
    assert message.properties["user_id"] == "gov-other"
