"""Watching a run from the outside: what arrived on a queue, when, and of which type."""
from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from datetime import datetime

import amqp

from bench.amqp_raw import Batches


class Watch:
    """Consumes one queue in a thread, noting each message's type, occurred_at and arrival time."""

    def __init__(self, connection: amqp.Connection, queue: str, kind=lambda body: body["type"]):
        self.connection = connection
        self.batches = Batches(connection, queue, 500)
        self.kind = kind
        self.counts: Counter = Counter()
        self.first: dict[str, tuple[float, datetime]] = {}  # kind -> (arrived, occurred_at)
        self.last: dict[str, tuple[float, datetime]] = {}
        self.changed = threading.Condition()
        self.stopping = False
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Watch":
        self.thread.start()
        return self

    def _run(self) -> None:
        while not self.stopping:
            try:
                taken = self.batches.next(timeout=0.5)
            except socket.timeout:
                continue
            arrived = time.time()
            with self.changed:
                for message in taken:
                    body = json.loads(message.body)
                    kind = self.kind(body)
                    seen = (arrived, datetime.fromisoformat(body["occurred_at"]))
                    self.first.setdefault(kind, seen)
                    self.last[kind] = seen
                    self.counts[kind] += 1
                self.changed.notify_all()
            self.batches.ack(taken)

    def wait_for(self, kind: str, count: int, stall: float = 60) -> bool:
        """Wait until `count` of `kind` arrived; False once nothing at all arrived for `stall` s."""
        seen, progressed = -1, time.monotonic()
        with self.changed:
            while self.counts[kind] < count:
                total = sum(self.counts.values())
                if total != seen:
                    seen, progressed = total, time.monotonic()
                elif time.monotonic() - progressed > stall:
                    return False
                self.changed.wait(1)
        return True

    def stop(self) -> None:
        self.stopping = True
        self.thread.join(5)
        self.connection.close()


def receipt_kind(body: dict) -> str:
    """A receipt's kind: `accepted`, `rejected`, or the status it reports (`status.published`)."""
    kind = body["type"].split(".", 1)[1]
    return f"status.{body['payload']['status']}" if kind == "status" else kind
