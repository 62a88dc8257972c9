"""Publish a batch persistently and mandatorily, then wait once for the broker's confirms."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from kombu import Connection, Exchange, Producer

# Per-message outcome: None when confirmed, otherwise why it was not.
Outcome = str | None


@dataclass
class Outgoing:
    """One message to publish."""

    message_id: str
    exchange: Exchange
    routing_key: str
    body: str | bytes
    type: str = ""
    correlation_id: str | None = None
    headers: dict = field(default_factory=dict)
    app_id: str = "microwish"
    content_type: str = "application/json"
    content_encoding: str | None = "utf-8"
    user_id: str | None = None  # RabbitMQ refuses any but the connection's own user
    expiration: float | None = None  # seconds the message may wait in its queue


class ConfirmTimeout(Exception):
    """The broker did not confirm a batch in time; nothing in it counts as sent."""


class ConfirmingPublisher:
    """Owns one channel on a publishing-only connection; `publish` returns each message's outcome."""

    def __init__(self, connection: Connection, confirm_timeout: float = 30.0):
        self.connection = connection
        self.confirm_timeout = confirm_timeout
        self._channel = None
        self._confirms = connection.transport.driver_type == "amqp"

    def _open(self):
        if self._channel is None:
            self.connection.ensure_connection(max_retries=3)
            self._channel = self.connection.channel()
            self._next_tag = 1
            if self._confirms:
                self._channel.confirm_select()
                self._channel.events["basic_ack"].add(self._on_ack)
                self._channel.events["basic_nack"].add(self._on_nack)
                self._channel.events["basic_return"].add(self._on_return)
            self._producer = Producer(self._channel)
        return self._producer

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple, None)

    def _on_nack(self, tag, multiple):
        self._settle(tag, multiple, "nacked by broker")

    def _settle(self, tag, multiple, outcome):
        if not multiple:
            settled = [tag] if tag in self._pending else []
        else:  # the tags went out in order: settle from the oldest up to `tag`
            settled = []
            for t in self._pending:
                if t > tag:
                    break
                settled.append(t)
        for t in settled:
            self._outcomes.setdefault(self._pending.pop(t), outcome)

    def _on_return(self, exc, exchange, routing_key, message):
        # A return precedes the ack of the same message: record it so the ack cannot clear it.
        self._outcomes[message.properties.get("message_id")] = f"returned: {exc}"

    def publish(self, messages: list[Outgoing]) -> dict[str, Outcome]:
        """Publish every message, then wait for all confirms; map message_id to its outcome."""
        producer = self._open()
        self._pending: dict[int, str] = {}
        self._outcomes: dict[str, Outcome] = {}
        try:
            for m in messages:
                producer.publish(
                    m.body, exchange=m.exchange, routing_key=m.routing_key, mandatory=True,
                    delivery_mode=2, content_type=m.content_type,
                    content_encoding=m.content_encoding,
                    message_id=m.message_id, correlation_id=m.correlation_id, type=m.type,
                    app_id=m.app_id, headers=m.headers, retry=False, declare=[],
                    **({"user_id": m.user_id} if m.user_id else {}),
                    **({"expiration": m.expiration} if m.expiration is not None else {}),
                )
                if self._confirms:
                    self._pending[self._next_tag] = m.message_id
                    self._next_tag += 1
            self._wait_for_confirms()
        except Exception:
            self.close()  # a broken channel cannot be trusted with the next batch
            raise
        return {m.message_id: self._outcomes.get(m.message_id) for m in messages}

    def _wait_for_confirms(self) -> None:
        deadline = time.monotonic() + self.confirm_timeout
        while self._pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConfirmTimeout(f"{len(self._pending)} messages unconfirmed")
            try:
                self.connection.drain_events(timeout=min(remaining, 1.0))
            except TimeoutError:
                continue

    def close(self) -> None:
        if self._channel is not None:
            try:
                self._channel.close()
            except Exception:  # closing a dead channel: nothing left to do
                pass
            self._channel = None
