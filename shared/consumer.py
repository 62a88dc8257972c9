"""The idempotent consumer: apply once, ack after commit, dead-letter poison, retry the transient."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Callable

from kombu import Queue
from kombu.mixins import ConsumerProducerMixin

from shared import envelope
from shared.errors import DomainError, Poison
from shared.publisher import ConfirmingPublisher, Outgoing
from shared.topology import DEAD, DELIVERY_LIMIT

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


def as_poison(exc: Poison | DomainError) -> Poison:
    """The bus edge's one mapping: a domain rule's refusal is poison, as retrying cannot change it
    (anything else that fails is transient and retried)."""
    return exc if isinstance(exc, Poison) else Poison(str(exc), exc.fields)


def resent(message) -> bool:
    """The sender published it again; the broker handing back an unacked copy does not count."""
    return not (message.delivery_info or {}).get("redelivered", False)


class IdempotentConsumer(ConsumerProducerMixin):
    """Consume a service's queues; publish (dead letters only) on a separate connection."""

    def __init__(self, connection, db, handlers: list[Handler], prefetch_count: int = 50,
                 retry_backoff: float = 0.5):
        self.connection = connection
        self.db = db
        self.handlers = handlers
        self.prefetch_count = prefetch_count
        self.retry_backoff = retry_backoff
        self._local_deliveries: dict[str, int] = {}
        self._dead_publisher = None

    def get_consumers(self, Consumer, channel):
        return [
            Consumer(queues=[h.queue], on_message=lambda m, h=h: self.on_message(h, m),
                     prefetch_count=self.prefetch_count)
            for h in self.handlers
        ]

    def on_message(self, handler: Handler, message) -> None:
        consumer = self.inbox_name(handler)
        try:
            item = handler.decode(message)
            with self.db.uow() as uow:
                if uow.first_delivery(consumer, handler.key(message, item)):
                    handler.apply(uow, item)
                else:
                    log.info("duplicate %s skipped by %s", message.properties.get("message_id"),
                             consumer)
                    if handler.on_resend is not None and resent(message):
                        handler.on_resend(uow, item)
                uow.commit()
        except (Poison, DomainError) as refused:
            poison = as_poison(refused)
            try:
                self.dead_letter(handler, message, poison)
            except Exception as exc:  # the dead queue is unreachable: keep the message
                self.retry_later(handler, message, exc)
            return
        except Exception as exc:
            self.retry_later(handler, message, exc)
            return
        message.ack()

    def inbox_name(self, handler: Handler) -> str:
        """Who applied a message, as the inbox records it."""
        return f"{self.db.service}:{handler.queue.name}"

    def dead_letter(self, handler: Handler, message, poison: Poison) -> None:
        """Keep the message in `<queue>.dead` with the reason in its headers, then ack it."""
        props = message.properties
        log.warning("poison message %s on %s: %s", props.get("message_id"),
                    handler.queue.name, poison.reason)
        if handler.on_poison is not None:
            with self.db.uow() as uow:
                poison_key = f"poison:{props.get('app_id')}:{props.get('message_id')}"
                first = uow.first_delivery(self.inbox_name(handler), poison_key)
                if first or resent(message):
                    handler.on_poison(uow, message, poison)
                uow.commit()
        headers = dict(message.headers or {})
        headers.update({"x-reason": poison.reason[:1000], "x-first-queue": handler.queue.name})
        outcome = self.dead_publisher.publish([Outgoing(
            message_id=props.get("message_id") or envelope.new_id(), exchange=DEAD,
            routing_key=handler.queue.name, body=message.body, type=props.get("type") or "",
            correlation_id=props.get("correlation_id"), headers=headers,
            app_id=props.get("app_id") or "unknown",
            # The original bytes, described as they arrived, so the dead copy is exact.
            content_type=message.content_type or "application/octet-stream",
            content_encoding=message.content_encoding or "binary",
        )])
        if any(outcome.values()):
            raise RuntimeError(f"dead-lettering failed: {outcome}")
        message.ack()

    def retry_later(self, handler: Handler, message, exc: Exception) -> None:
        """Back off, then hand the message back; past the delivery limit it is dead-lettered."""
        message_id = message.properties.get("message_id") or ""
        count = (message.headers or {}).get("x-delivery-count")
        if count is None:  # transports without delivery counts (memory://) count here
            count = self._local_deliveries.get(message_id, 0)
            self._local_deliveries[message_id] = count + 1
            if count + 1 >= DELIVERY_LIMIT:
                self._local_deliveries.pop(message_id, None)
                self.dead_letter(handler, message, Poison(f"delivery limit: {exc!r}"))
                return
        log.warning("transient failure on %s (delivery %s): %r", handler.queue.name, count, exc)
        time.sleep(min(30.0, self.retry_backoff * 2 ** int(count)))
        message.requeue()

    @property
    def dead_publisher(self) -> ConfirmingPublisher:
        if self._dead_publisher is None:
            self._dead_publisher = ConfirmingPublisher(self.producer_connection)
        return self._dead_publisher
