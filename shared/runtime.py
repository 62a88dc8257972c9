"""A service's background work — a consumer per queue, its outbox relay, its scheduled jobs — as
threads or as a worker process."""
from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from typing import Callable

from kombu import Connection

from shared import dead_letters, logs, metrics
from shared.broker import connection
from shared.consumer import QueueConsumer
from shared.probe import Probe
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
    """Runs one service's consumers (one per queue, each on its own connection and thread), its
    relay and its scheduled jobs against the broker in `settings`."""

    def __init__(self, db, settings, handlers, jobs: list[Job] | None = None,
                 queues: list[str] | None = None, relay: bool = True,
                 on_declare: Callable[[Connection], None] | None = None):
        self.db = db
        self.settings = settings
        # Every service keeps copies of its dead letters; each sheds them past their retention.
        self.jobs = (jobs or []) + [Job("dead-letter-copies", 3600.0, dead_letters.expire)]
        self.on_declare = on_declare
        self._stopping = threading.Event()
        chosen = [h for h in handlers if queues is None or h.queue.name in queues]
        self.consumers = [
            QueueConsumer(connection(settings.broker_url, settings), db, handler,
                          batch_size=settings.batch_size, batch_wait=settings.batch_wait_seconds,
                          retry_backoff=settings.retry_backoff_seconds)
            for handler in chosen]
        self.relay = Relay(db, settings.broker_url, settings.relay_batch_size,
                           settings.relay_idle_seconds) if relay else None
        self.threads: list[threading.Thread] = []

    def declare(self) -> None:
        with connection(self.settings.broker_url, self.settings) as conn:
            declare(conn, [self.db.service])
            if self.on_declare is not None:
                self.on_declare(conn)

    def _targets(self) -> list[tuple[str, Callable[[], None]]]:
        targets = [(c.handler.queue.name, c.run) for c in self.consumers]
        if self.relay is not None:
            targets.append(("relay", self.relay.run))
        return targets + [(job.name, lambda job=job: self._schedule(job)) for job in self.jobs]

    def start(self) -> None:
        """Start the consumers, the relay and the jobs in daemon threads."""
        if self.consumers or self.relay is not None:
            self.declare()
        for name, target in self._targets():
            thread = threading.Thread(target=target, name=f"{self.db.service}-{name}", daemon=True)
            thread.start()
            self.threads.append(thread)

    def _schedule(self, job: Job) -> None:
        """Run a job now and every `interval` seconds; a failure waits for the next turn."""
        service = self.db.service
        metrics.JOBS.started(service, job.name, job.interval)
        while not self._stopping.is_set():
            started = time.perf_counter()
            try:
                with logs.bound(service=service):  # whatever a run notes is forgotten after it
                    job.run(self.db)
            except Exception:
                metrics.JOB_RUNS.labels(service, job.name, "failed").inc()
                log.exception("job %s failed; retrying in %ss", job.name, job.interval)
            else:
                metrics.JOB_RUNS.labels(service, job.name, "ok").inc()
                metrics.JOBS.succeeded(service, job.name, job.interval)
            metrics.JOB_SECONDS.labels(service, job.name).observe(time.perf_counter() - started)
            self._stopping.wait(job.interval)

    def alive(self) -> bool:
        """Every consumer, the relay and every job still runs, and nobody asked us to stop."""
        return not self._stopping.is_set() and all(t.is_alive() for t in self.threads)

    def probe(self, port: int) -> Probe:
        """Serve this worker's metrics, /healthz and /readyz on `port` (0: a free one)."""
        return Probe(port, [self.db], self.settings.broker_url, self.alive).start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop()
        for thread in self.threads:
            thread.join(timeout)
        self._close()

    def _stop(self) -> None:
        self._stopping.set()
        for consumer in self.consumers:
            consumer.should_stop = True
        if self.relay is not None:
            self.relay.stop()

    def _close(self) -> None:
        if self.relay is not None:
            self.relay.close()
        for consumer in self.consumers:
            consumer.connection.release()

    def run_forever(self) -> None:
        """The worker process: every consumer, the relay and the jobs in threads until SIGTERM,
        each consumer finishing the batch in hand."""
        def _stop(signum, _frame):
            log.info("signal %s: finishing the batches in hand and stopping", signum)
            self._stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        self.start()
        probe = self.probe(self.settings.metrics_port) if self.settings.metrics_port else None
        failed = False
        while not self._stopping.wait(0.5):
            dead = [t.name for t in self.threads if not t.is_alive()]
            if dead:  # a bug, not a lost connection (kombu reconnects): let the supervisor restart us
                log.error("%s stopped unexpectedly; stopping the worker", ", ".join(dead))
                failed = True
                self._stop()
        for thread in self.threads:
            thread.join(10)
        self._close()
        if probe is not None:
            probe.stop()
        if failed:
            raise SystemExit(1)
