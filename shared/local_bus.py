"""The all-in-one's bus: each service's outbox handed straight to the consumers in this process
that bind its rows, a row marked sent only once every one of them has committed it — so a kill at
any moment loses nothing, and the inboxes make the redelivery after it harmless."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from shared import logs, metrics
from shared.batch import answer_poison, apply_batch
from shared.consumer import Handler, inbox_name
from shared.relay import drain, due, settle
from shared.topology import EVENTS, binds

log = logging.getLogger(__name__)


@dataclass
class LocalMessage:
    """An outbox row as a consumer reads a delivery: the body and the properties the relay sets."""

    body: str
    properties: dict
    headers: dict = field(default_factory=dict)
    delivery_info: dict = field(default_factory=dict)
    content_type: str = "application/json"
    content_encoding: str = "utf-8"


def as_message(row, producer: str) -> LocalMessage:
    return LocalMessage(row.body, {
        "message_id": row.message_id, "type": row.type, "correlation_id": row.correlation_id,
        "app_id": producer}, delivery_info={"redelivered": row.attempts > 0})


def _master_data(queue) -> bool:
    return any(b.routing_key in ("community.*", "member.*") for b in queue.bindings)


class LocalBus:
    """One thread per service moving its outbox to the local consumers bound to each row."""

    def __init__(self, dbs: dict, handlers: dict[str, list[Handler]], batch_size: int = 100,
                 idle_seconds: float = 0.2):
        self.dbs = dbs
        # Master data first: a row is delivered to the copies of communities and members before
        # any other consumer, so the events it causes (a wish verified, then published) never
        # reach a service whose copy does not know it yet, as one thread per service would allow.
        self.subscribers = sorted(((dbs[s], h) for s, hs in handlers.items() for h in hs),
                                  key=lambda sub: not _master_data(sub[1].queue))
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def deliver_batch(self, db) -> int:
        """Deliver one batch of `db`'s outbox; return how many rows every subscriber committed."""
        with db.engine.begin() as conn:
            rows = conn.execute(due(db.outbox, self.batch_size)).all()
            if not rows:
                return 0
            failed: dict[int, str] = {}
            poisoned: set[int] = set()
            for target, handler in self.subscribers:
                bound = [r for r in rows if binds(handler.queue, EVENTS, r.routing_key)]
                if not bound:
                    continue
                consumer = inbox_name(target, handler)
                labels = (target.service, handler.queue.name)
                metrics.RECEIVED.labels(*labels).inc(len(bound))
                with logs.bound(queue=handler.queue.name):
                    outcomes = apply_batch(target, handler, consumer,
                                           [as_message(r, db.service) for r in bound])
                for row, outcome in zip(bound, outcomes):
                    if outcome.poison is not None and answer_poison(target, handler, consumer,
                                                                    outcome):
                        failed[row.id] = f"poison at {handler.queue.name}: {outcome.poison.reason}"
                        poisoned.add(row.id)  # retrying cannot help: parked for ops at once
                        metrics.DEAD_LETTERED.labels(*labels).inc()  # its dead queue: the row
                    elif not outcome.applied:
                        metrics.RETRIED.labels(*labels).inc()
                        why = outcome.error or "answering the poison failed"
                        failed.setdefault(row.id, f"{handler.queue.name}: {why}")
            parked = settle(conn, db.outbox, rows, failed, poisoned)
        metrics.OUTBOX_PARKED.labels(db.service).inc(parked)
        return len(rows) - len(failed)

    def run(self, db) -> None:
        """Deliver `db`'s outbox until stopped; the database down means waiting, never dropping."""
        drain(lambda: self.deliver_batch(db), self.stopping, self.batch_size, self.idle_seconds,
              f"local delivery of {db.service}")

    def start(self) -> None:
        for db in self.dbs.values():
            thread = threading.Thread(target=self.run, args=(db,), name=f"{db.service}-bus",
                                      daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout)
