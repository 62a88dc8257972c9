"""A service's background work — its consumer and its outbox relay — as threads or as a worker process."""
from __future__ import annotations

import logging
import signal
import threading

from kombu import Connection

from shared.consumer import IdempotentConsumer
from shared.relay import Relay
from shared.topology import declare

log = logging.getLogger(__name__)


class ServiceRuntime:
    """Runs one service's consumer and relay against the broker in `settings`."""

    def __init__(self, db, settings, handlers):
        self.db = db
        self.settings = settings
        self.connection = Connection(settings.broker_url)
        self.consumer = IdempotentConsumer(self.connection, db, handlers,
                                           prefetch_count=settings.prefetch_count,
                                           retry_backoff=settings.retry_backoff_seconds)
        self.relay = Relay(db, settings.broker_url, settings.relay_batch_size,
                           settings.relay_idle_seconds)
        self.threads: list[threading.Thread] = []

    def declare(self) -> None:
        with Connection(self.settings.broker_url) as conn:
            declare(conn, [self.db.service])

    def start(self) -> None:
        """Start the relay and the consumer in daemon threads."""
        self.declare()
        for name, target in (("relay", self.relay.run), ("consumer", self.consumer.run)):
            thread = threading.Thread(target=target, name=f"{self.db.service}-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self.consumer.should_stop = True
        self.relay.stop()
        for thread in self.threads:
            thread.join(timeout)
        self.relay.close()
        self.connection.release()

    def run_forever(self) -> None:
        """The worker process: relay in a thread, consumer in the main thread, clean stop on SIGTERM."""
        def _stop(signum, _frame):
            log.info("signal %s: finishing the current message and stopping", signum)
            self.consumer.should_stop = True
            self.relay.stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.declare()
        relay = threading.Thread(target=self.relay.run, name="relay", daemon=True)
        relay.start()
        self.consumer.run()
        self.relay.stop()
        relay.join(10)
        self.relay.close()
