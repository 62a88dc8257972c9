"""The idempotent consumer of one queue: a batch applied in one commit and acked at once, poison
dead-lettered, the transient sent round a retry tier so that nothing waits behind it."""
from __future__ import annotations

import logging
import socket
import time
from dataclasses import dataclass
from typing import Any, Callable

from kombu import Queue
from kombu.mixins import ConsumerProducerMixin

from shared import envelope, logs, metrics
from shared.batch import Outcome, answer_poison, apply_batch
from shared.dead_letters import keep
from shared.errors import Poison
from shared.failures import Unavailable
from shared.publisher import ConfirmingPublisher
from shared.retries import next_copy, restore_sender
from shared.topology import DEAD

log = logging.getLogger(__name__)


def decode_event(message) -> envelope.Envelope:
    """The default decoder: an event envelope on `microwish.events`, its payload the contract's
    dataclass (DESIGN §7: handlers take the contract's dataclasses, never a bare dict)."""
    return envelope.typed(envelope.decode(message.body))


def event_key(message, item) -> str:
    return item.message_id


@dataclass
class Handler:
    """What a consumer does with one queue's messages."""

    queue: Queue
    apply: Callable[[Any, Any], None]  # (unit of work, decoded item)
    decode: Callable[[Any], Any] = decode_event
    key: Callable[[Any, Any], str] = event_key  # the inbox key of a decoded message
    # Called in its own unit of work before a poison message is dead-lettered (e.g. a receipt).
    on_poison: Callable[[Any, Any, Poison], None] | None = None
    # Called when a message was applied before and the sender sent it again (not a redelivery).
    on_resend: Callable[[Any, Any], None] | None = None
    # Loads in a few queries what a whole batch's items will read (uow.cache, the identity map).
    prefetch: Callable[[Any, list], None] | None = None


def inbox_name(db, handler: Handler) -> str:
    """Who applied a message, as the inbox records it."""
    return f"{db.service}:{handler.queue.name}"


def count_copies(service: str, queue: str, copies: list) -> None:
    """Count the copies the broker took: to the dead queue, or round a retry tier."""
    dead = sum(c.exchange.name == DEAD.name for c in copies)
    if dead:
        metrics.DEAD_LETTERED.labels(service, queue).inc(dead)
    if len(copies) > dead:
        metrics.RETRIED.labels(service, queue).inc(len(copies) - dead)


class QueueConsumer(ConsumerProducerMixin):
    """Consume one queue in batches; publish retries and dead letters on a separate connection."""

    def __init__(self, connection, db, handler: Handler, batch_size: int = 100,
                 batch_wait: float = 0.005, retry_backoff: float = 0.5):
        self.connection = connection
        self.db = db
        self.handler = handler
        self.batch_size = batch_size
        self.batch_wait = batch_wait  # how long a batch's first message waits for company
        self.retry_backoff = retry_backoff
        self.inbox_name = inbox_name(db, handler)
        self._received = metrics.RECEIVED.labels(db.service, handler.queue.name)
        self.pending: list = []
        self._since = 0.0
        self._publisher = None
        self._multiple_acks = connection.transport.driver_type == "amqp"

    def get_consumers(self, Consumer, channel):
        # The prefetch covers two batches, so the next one arrives while this one commits.
        return [Consumer(queues=[self.handler.queue], on_message=self._take,
                         prefetch_count=2 * self.batch_size)]

    def _take(self, message) -> None:
        if not self.pending:
            self._since = time.monotonic()
        self._received.inc()
        self.pending.append(message)

    def consume(self, limit=None, timeout=None, safety_interval=1, **kwargs):
        """kombu's loop, flushing the batch when it is full or its first message has waited."""
        with self.consumer_context(**kwargs) as (conn, _channel, _consumers):
            self.pending = []  # a lost channel's unacked messages come back by themselves
            while not self.should_stop:
                try:
                    conn.drain_events(timeout=self._left() if self.pending else safety_interval)
                except socket.timeout:
                    conn.heartbeat_check()
                except OSError:
                    if not self.should_stop:
                        raise
                if self.pending and (len(self.pending) >= self.batch_size or self._left() == 0):
                    self.flush()
                yield
            if self.pending:  # SIGTERM: finish the batch in hand
                self.flush()

    def _left(self) -> float:
        """How much longer the pending batch's first message may wait for company."""
        return max(0.0, self._since + self.batch_wait - time.monotonic())

    def flush(self) -> None:
        """Apply the pending batch, hand its failures on, ack it."""
        batch, self.pending = self.pending, []
        own_user = self.connection.userid
        for message in batch:
            restore_sender(message, own_user)
        delay = self.retry_backoff
        while True:
            try:
                with logs.bound(queue=self.handler.queue.name):
                    outcomes = apply_batch(self.db, self.handler, self.inbox_name, batch)
                break
            except Unavailable as exc:
                # Nothing can be applied now: hold the batch (unacked) rather than burn retries.
                log.warning("%s: database unavailable (%s); holding %d messages for %.1fs",
                            self.inbox_name, exc, len(batch), delay)
                if self._sleep(delay):
                    return  # stopping: the broker hands the unacked batch out again
                delay = min(30.0, delay * 2)
        self.settle(outcomes)

    def settle(self, outcomes: list[Outcome]) -> None:
        """Answer poison, publish every failure's next copy in one confirmed batch, then ack."""
        failed = [o for o in outcomes if not o.applied]
        unsettled = set()
        for outcome in failed:
            if outcome.poison is not None:
                props = outcome.message.properties
                with logs.bound(queue=self.handler.queue.name, message_id=props.get("message_id"),
                                correlation_id=props.get("correlation_id")):
                    log.warning("poison message %s on %s: %s", props.get("message_id"),
                                self.handler.queue.name, outcome.poison.reason)
                    if not answer_poison(self.db, self.handler, self.inbox_name, outcome):
                        unsettled.add(id(outcome.message))
        copies = {id(o.message): next_copy(self.handler.queue.name, o, self.retry_backoff,
                                           self.connection.userid)
                  for o in failed if id(o.message) not in unsettled}
        # Our sealed copy first, so ops can read and replay it after the broker's copy expires.
        keep(self.db, self.handler.queue.name, [
            (o.message, copies[id(o.message)].headers["x-reason"]) for o in failed
            if id(o.message) in copies and copies[id(o.message)].exchange.name == DEAD.name])
        if copies:
            unsettled |= self._publish(copies)
            count_copies(self.db.service, self.handler.queue.name,
                         [c for key, c in copies.items() if key not in unsettled])
        self._ack([o.message for o in outcomes], unsettled)

    def _publish(self, copies: dict) -> set:
        """Publish the copies; the ids of the messages whose copy the broker did not take."""
        try:
            results = self.publisher.publish(list(copies.values()))
        except Exception:
            log.exception("publishing %d retries/dead letters failed", len(copies))
            return set(copies)
        return {key for key, copy in copies.items() if results.get(copy.message_id) is not None}

    def _ack(self, messages: list, unsettled: set) -> None:
        """One ack for the batch when it all settled; else each on its own, the rest handed back."""
        if not unsettled and self._multiple_acks:
            messages[-1].ack(multiple=True)
            return
        for message in messages:
            if id(message) in unsettled:
                message.requeue()  # the broker's delivery limit is the last safety net
            else:
                message.ack()

    def _sleep(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when asked to stop meanwhile."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.should_stop:
                return True
            time.sleep(min(0.1, deadline - time.monotonic()))
        return self.should_stop

    @property
    def publisher(self) -> ConfirmingPublisher:
        if self._publisher is None:
            self._publisher = ConfirmingPublisher(self.producer_connection)
        return self._publisher

    def on_consume_end(self, connection, channel):
        if self._publisher is not None:
            self._publisher.close()
            self._publisher = None
        super().on_consume_end(connection, channel)
