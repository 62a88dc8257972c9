"""Raw py-amqp plumbing the benchmarks share: connecting, confirmed batches, consuming with batched acks."""
from __future__ import annotations

import socket
import time
from urllib.parse import unquote, urlsplit

import amqp

QUORUM = {"x-queue-type": "quorum"}


def connect(url: str, user: str | None = None, password: str | None = None) -> amqp.Connection:
    """An open py-amqp connection to `url` (amqp://user:pass@host:port/vhost), maybe as another user."""
    parts = urlsplit(url)
    conn = amqp.Connection(f"{parts.hostname}:{parts.port or 5672}",
                           userid=user or unquote(parts.username or "guest"),
                           password=password or unquote(parts.password or "guest"),
                           virtual_host=unquote(parts.path[1:]) or "/")
    conn.connect()
    return conn


class Confirmer:
    """Publishes on its own channel in confirm mode and waits for the broker's confirms per batch."""

    def __init__(self, connection: amqp.Connection):
        self.connection = connection
        self.channel = connection.channel()
        self.channel.confirm_select()
        self.channel.events["basic_ack"].add(self._acked)
        self.channel.events["basic_nack"].add(self._nacked)
        self.tag = 0
        self.unconfirmed: set[int] = set()

    def _settle(self, tag: int, multiple: bool) -> set[int]:
        settled = {t for t in self.unconfirmed if t <= tag} if multiple else {tag}
        self.unconfirmed -= settled
        return settled

    def _acked(self, tag: int, multiple: bool) -> None:
        self._settle(tag, multiple)

    def _nacked(self, tag: int, multiple: bool) -> None:
        raise SystemExit(f"the broker refused {len(self._settle(tag, multiple))} message(s)")

    def publish(self, message: amqp.Message, exchange: str, routing_key: str) -> None:
        self.channel.basic_publish(message, exchange=exchange, routing_key=routing_key)
        self.tag += 1
        self.unconfirmed.add(self.tag)

    def wait(self, timeout: float = 60) -> None:
        """Block until everything published so far is confirmed."""
        while self.unconfirmed:
            self.connection.drain_events(timeout=timeout)


def publish_all(confirmer: Confirmer, messages, exchange: str, routing_key: str,
                batch: int = 200) -> None:
    """Publish every message, waiting for the confirms once per `batch`."""
    for n, message in enumerate(messages, 1):
        confirmer.publish(message, exchange, routing_key)
        if n % batch == 0:
            confirmer.wait()
    confirmer.wait()


class Batches:
    """Consume a queue and hand out what has arrived in batches of up to `size`, acked together."""

    def __init__(self, connection: amqp.Connection, queue: str, size: int = 200,
                 prefetch: int | None = None):
        self.connection = connection
        self.channel = connection.channel()
        self.channel.basic_qos(0, prefetch or 2 * size, False)
        self.size = size
        self.pending: list[amqp.Message] = []
        self.tag = self.channel.basic_consume(queue, callback=self.pending.append)

    def next(self, timeout: float = 60) -> list[amqp.Message]:
        """Wait for one delivery, then take whatever else is already here, up to `size`."""
        if not self.pending:
            self.connection.drain_events(timeout=timeout)  # socket.timeout when it stalls
        while len(self.pending) < self.size:
            try:
                self.connection.drain_events(timeout=0.0005)
            except socket.timeout:
                break
        taken, self.pending[:] = self.pending[:self.size], self.pending[self.size:]
        return taken

    def ack(self, batch: list[amqp.Message]) -> None:
        if batch:
            self.channel.basic_ack(batch[-1].delivery_tag, multiple=True)

    def cancel(self) -> None:
        self.channel.basic_cancel(self.tag)


def wait_for_consumer(channel, queue: str, timeout: float = 60) -> None:
    """Return once `queue` has a consumer (a worker that finished starting)."""
    deadline = time.monotonic() + timeout
    while channel.queue_declare(queue, passive=True).consumer_count == 0:
        if time.monotonic() > deadline:
            raise SystemExit(f"no consumer on {queue} after {timeout:.0f} s")
        time.sleep(0.1)
