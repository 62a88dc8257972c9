"""The outbox relay: publish unsent rows in batches, confirmed once per batch, then mark them sent."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta

from kombu import Connection
from sqlalchemy import or_, select, update

from shared.envelope import utcnow
from shared.publisher import ConfirmingPublisher, Outgoing
from shared.topology import EVENTS

log = logging.getLogger(__name__)


class Relay:
    """Moves a service's outbox onto `microwish.events`; several may run at once."""

    def __init__(self, db, broker_url: str, batch_size: int = 200, idle_seconds: float = 0.2):
        self.db = db
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.publisher = ConfirmingPublisher(Connection(broker_url))
        self.stopping = threading.Event()

    def publish_batch(self) -> int:
        """Publish one batch; return how many rows were confirmed and marked sent."""
        outbox = self.db.outbox
        now = utcnow()
        with self.db.engine.begin() as conn:
            # SKIP LOCKED lets several relays share the outbox without sending a row twice at once.
            rows = conn.execute(
                select(outbox.c.id, outbox.c.message_id, outbox.c.type, outbox.c.routing_key,
                       outbox.c.correlation_id, outbox.c.body, outbox.c.attempts)
                .where(outbox.c.sent_at.is_(None))
                .where(or_(outbox.c.next_attempt_at.is_(None), outbox.c.next_attempt_at <= now))
                .order_by(outbox.c.id)
                .limit(self.batch_size)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            outcomes = self.publisher.publish([
                Outgoing(r.message_id, EVENTS, r.routing_key, r.body, r.type, r.correlation_id,
                         app_id=self.db.service)
                for r in rows
            ])
            sent = [r.id for r in rows if outcomes[r.message_id] is None]
            if sent:
                conn.execute(update(outbox).where(outbox.c.id.in_(sent)).values(sent_at=now))
            for r in rows:
                if outcomes[r.message_id] is not None:
                    log.error("outbox message %s not delivered: %s", r.message_id,
                              outcomes[r.message_id])
                    backoff = timedelta(seconds=min(300, 2 ** r.attempts))
                    conn.execute(update(outbox).where(outbox.c.id == r.id).values(
                        attempts=r.attempts + 1, last_error=outcomes[r.message_id],
                        next_attempt_at=now + backoff))
        return len(sent)

    def run(self) -> None:
        """Relay until stopped; a failure is logged and retried with backoff, never dropped."""
        failures = 0
        while not self.stopping.is_set():
            try:
                count = self.publish_batch()
                failures = 0
            except Exception:
                failures += 1
                log.exception("outbox relay of %s failed; retrying", self.db.service)
                self.stopping.wait(min(30, 0.5 * 2 ** failures))
                continue
            if count < self.batch_size:
                self.stopping.wait(self.idle_seconds)

    def stop(self) -> None:
        self.stopping.set()

    def close(self) -> None:
        self.publisher.close()
        self.publisher.connection.release()

