"""A service's background work — its consumer and its outbox relay — as threads or as a worker process."""
from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass
from typing import Callable

from kombu import Connection

from shared.consumer import IdempotentConsumer
from shared.relay import Relay
from shared.topology import declare

log = logging.getLogger(__name__)


@dataclass
class Job:
    """Something a service does on a schedule, e.g. erasing personal data past retention."""

    name: str
    interval: float
    run: Callable[[object], object]  # given the service's Database


class ServiceRuntime:
    """Runs one service's consumer, relay and scheduled jobs against the broker in `settings`."""

    def __init__(self, db, settings, handlers, jobs: list[Job] | None = None):
        self.db = db
        self.settings = settings
        self.jobs = jobs or []
        self._stopping = threading.Event()
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
        """Start the relay, the consumer and the jobs in daemon threads."""
        self.declare()
        targets = [("relay", self.relay.run), ("consumer", self.consumer.run)]
        targets += [(job.name, lambda job=job: self._schedule(job)) for job in self.jobs]
        for name, target in targets:
            thread = threading.Thread(target=target, name=f"{self.db.service}-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def _schedule(self, job: Job) -> None:
        """Run a job now and every `interval` seconds; a failure waits for the next turn."""
        while not self._stopping.is_set():
            try:
                job.run(self.db)
            except Exception:
                log.exception("job %s failed; retrying in %ss", job.name, job.interval)
            self._stopping.wait(job.interval)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
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
            self._stopping.set()
            self.consumer.should_stop = True
            self.relay.stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.declare()
        relay = threading.Thread(target=self.relay.run, name="relay", daemon=True)
        relay.start()
        for job in self.jobs:
            threading.Thread(target=self._schedule, args=(job,), name=job.name, daemon=True).start()
        self.consumer.run()
        self.relay.stop()
        relay.join(10)
        self.relay.close()
