"""System clients on the broker: their receipts queue is made for them, and it is all they read."""
from __future__ import annotations

import json
import time

import pika
import pytest
from kombu import Connection

from services.intake.accounts.systems import declare_receipts
from shared.topology import receipts_queue
from tests.actors import HOTLINE, System
from tests.factories import submission
from tests.helpers import Capture


def _first_receipt(url: str, queue: str, timeout: float = 20.0):
    """(routing key, payload) of the first message on `queue`, read as the system at `url`."""
    conn = pika.BlockingConnection(pika.URLParameters(url))
    try:
        channel = conn.channel()
        deadline = time.monotonic() + timeout
        for method, _, body in channel.consume(queue, inactivity_timeout=0.5):
            if method is not None:
                channel.basic_ack(method.delivery_tag)
                return method.routing_key, json.loads(body)["payload"]
            if time.monotonic() > deadline:
                raise AssertionError(f"no receipt on {queue} within {timeout}s")
    finally:
        conn.close()


def test_a_system_reads_its_receipt_from_its_own_queue_without_binding_anything(
        intake, system_client):
    app_id, url = system_client(intake)
    System.on_queue(url, app_id, app_id).publish(submission(), message_id="own-1")
    key, payload = _first_receipt(url, f"receipts.{app_id}")
    assert key == f"submission.accepted.{app_id}"
    assert (payload["source"], payload["source_ref"]) == (app_id, "own-1") and payload["wish_id"]


def _bind_a_queue_to_events(ch, app_id, other):
    ch.queue_declare(f"receipts.{app_id}", passive=True)  # allowed: it is only a look
    ch.queue_bind(f"receipts.{app_id}", "microwish.events", routing_key="#")


REFUSED = {  # what a system's broker user tries -> the AMQP reply code the broker closes with
    "bind its own queue to every event": (_bind_a_queue_to_events, 403),
    "declare a queue of its own": (lambda ch, app_id, other: ch.queue_declare("mine"), 403),
    "declare another system's receipts queue":
        (lambda ch, app_id, other: ch.queue_declare(  # exactly as the platform declares it
            f"receipts.{other}", durable=True,
            arguments=receipts_queue(other).queue_arguments), 403),
    "read another system's receipts":
        (lambda ch, app_id, other: ch.basic_consume(f"receipts.{other}", print), 403),
    "read the audit stream": (lambda ch, app_id, other: ch.basic_consume("intake.audit", print),
                              403),
    "publish an event": (lambda ch, app_id, other: ch.basic_publish(
        "microwish.events", "wish.verified", b"{}"), 403),
    "publish as another user": (lambda ch, app_id, other: ch.basic_publish(
        "microwish.intake", "submission", b"{}", pika.BasicProperties(user_id=other)), 406),
}


@pytest.mark.parametrize("attempt", REFUSED)
def test_the_broker_refuses_a_system_everything_but_its_own(intake, system_client, attempt):
    app_id, url = system_client(intake)
    other, _ = system_client(intake)  # its receipts queue exists: declared at registration
    action, code = REFUSED[attempt]
    conn = pika.BlockingConnection(pika.URLParameters(url))
    channel = conn.channel()
    channel.confirm_delivery()  # a refused publish then closes the channel before we go on
    with pytest.raises(pika.exceptions.ChannelClosedByBroker) as refused:
        action(channel, app_id, other)
    conn.close()
    assert refused.value.reply_code == code, refused.value.reply_text


def test_intake_declares_the_receipts_queue_of_every_system_registered_before(settings, intake,
                                                                              hotline):
    """Accounts made without a queue (as before the platform declared them) get theirs."""
    with Connection(settings.broker_url) as conn:
        assert {HOTLINE, "other-system"} <= set(declare_receipts(conn, intake))
    receipts = Capture(settings.broker_url, queue_name=f"receipts.{HOTLINE}")
    hotline.publish(submission(), message_id="before-1")
    [receipt] = receipts.take(1)
    receipts.close()
    assert receipt.delivery_info["routing_key"] == f"submission.accepted.{HOTLINE}"
    assert json.loads(receipt.body)["payload"]["source_ref"] == "before-1"
