"""The outbox relay: publish unsent rows in batches, confirmed once per batch, then mark them sent."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from sqlalchemy import bindparam, select, update

from shared import metrics
from shared.broker import connection
from shared.envelope import utcnow
from shared.failures import describe, is_unavailable
from shared.publisher import ConfirmingPublisher, Outgoing
from shared.topology import EVENTS

log = logging.getLogger(__name__)

# A row the broker refuses (returned: nothing bound; nacked) this many times is parked.
OUTBOX_ATTEMPTS = 8


class Relay:
    """Moves a service's outbox onto `microwish.events`; several may run at once."""

    def __init__(self, db, broker_url: str, batch_size: int = 200, idle_seconds: float = 0.2):
        self.db = db
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.publisher = ConfirmingPublisher(connection(broker_url))
        self.stopping = threading.Event()
        service = db.service
        self.counts = {name: metric.labels(service) for name, metric in (
            ("batches", metrics.RELAY_BATCHES), ("confirmed", metrics.RELAY_CONFIRMED),
            ("returned", metrics.RELAY_RETURNED), ("nacked", metrics.RELAY_NACKED),
            ("failures", metrics.RELAY_FAILURES), ("parked", metrics.OUTBOX_PARKED))}

    def publish_batch(self) -> int:
        """Publish one batch; return how many rows were confirmed and marked sent."""
        try:
            return self._publish_batch()
        except Exception:
            self.counts["failures"].inc()
            raise

    def _publish_batch(self) -> int:
        with self.db.engine.begin() as conn:
            rows = conn.execute(due(self.db.outbox, self.batch_size)).all()
            if not rows:
                return 0
            outcomes = self.publisher.publish([
                Outgoing(r.message_id, EVENTS, r.routing_key, r.body, r.type, r.correlation_id,
                         app_id=self.db.service)
                for r in rows
            ])
            failed = {r.id: outcomes[r.message_id] for r in rows if outcomes[r.message_id]}
            parked = settle(conn, self.db.outbox, rows, failed)
        self._count(len(rows), failed, parked)
        return len(rows) - len(failed)

    def _count(self, rows: int, failed: dict[int, str], parked: int) -> None:
        """After the commit: what the broker confirmed, returned and nacked in one batch."""
        self.counts["batches"].inc()
        self.counts["confirmed"].inc(rows - len(failed))
        returned = sum(why.startswith("returned") for why in failed.values())
        self.counts["returned"].inc(returned)
        self.counts["nacked"].inc(sum(why.startswith("nacked") for why in failed.values()))
        self.counts["parked"].inc(parked)

    def run(self) -> None:
        """Relay until stopped; a failure is logged and retried with backoff, never dropped."""
        drain(self.publish_batch, self.stopping, self.batch_size, self.idle_seconds,
              f"outbox relay of {self.db.service}")

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        self.publisher.close()
        self.publisher.connection.release()


def drain(step, stopping: threading.Event, batch_size: int, idle_seconds: float,
          what: str) -> None:
    """Run `step` (one batch; how many rows it moved) until stopped: at once while batches come
    full, after `idle_seconds` otherwise, backing off to 30 s while it fails."""
    failures = 0
    while not stopping.is_set():
        try:
            count = step()
            failures = 0
        except Exception as exc:
            failures += 1
            down = is_unavailable(exc)  # the database or broker away: expected, no traceback
            log.log(logging.WARNING if down else logging.ERROR, "%s failed (%s); retrying", what,
                    describe(exc), exc_info=not down)
            stopping.wait(min(30, 0.5 * 2 ** failures))
            continue
        if count < batch_size:
            stopping.wait(idle_seconds)


def due(outbox, limit: int):
    """The next rows to send, oldest due first, locked against other relays."""
    return (
        select(outbox.c.id, outbox.c.message_id, outbox.c.type, outbox.c.routing_key,
               outbox.c.correlation_id, outbox.c.body, outbox.c.attempts)
        # The partial index holds only these rows: its range scan stops at the first not yet due.
        .where(outbox.c.sent_at.is_(None), outbox.c.parked_at.is_(None),
               outbox.c.next_attempt_at <= utcnow())
        .order_by(outbox.c.next_attempt_at, outbox.c.id)
        .limit(limit)
        # SKIP LOCKED lets several relays share the outbox without sending a row twice at once.
        .with_for_update(skip_locked=True)
    )


def settle(conn, outbox, rows: list, failed: dict[int, str], poisoned=frozenset()) -> int:
    """Mark the rows sent in one statement, but put each failed one off, or park it past the last
    attempt (a poisoned one at once); how many were parked."""
    now = utcnow()
    sent = [r for r in rows if r.id not in failed]
    if sent:
        conn.execute(update(outbox).where(outbox.c.id.in_([r.id for r in sent]))
                     .values(sent_at=now))
    if not failed:
        return 0
    changes = []
    for row in (r for r in rows if r.id in failed):
        attempts = row.attempts + 1
        parked = attempts >= OUTBOX_ATTEMPTS or row.id in poisoned
        log.error("outbox message %s not delivered (attempt %s%s): %s", row.message_id, attempts,
                  ", parked" if parked else "", failed[row.id])
        changes.append({"row_id": row.id, "attempts": attempts, "last_error": failed[row.id][:1000],
                        "next_attempt_at": now + timedelta(seconds=min(300, 2 ** attempts)),
                        "parked_at": now if parked else None})
    conn.execute(update(outbox).where(outbox.c.id == bindparam("row_id")).values(
        attempts=bindparam("attempts"), last_error=bindparam("last_error"),
        next_attempt_at=bindparam("next_attempt_at"), parked_at=bindparam("parked_at")), changes)
    return sum(change["parked_at"] is not None for change in changes)
