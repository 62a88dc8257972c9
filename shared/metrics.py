"""Every Prometheus metric the services export, declared here and only here (`microwish_` names).

HTTP processes under gunicorn count in multiprocess mode (shared/gunicorn_conf.py sets
PROMETHEUS_MULTIPROC_DIR before this module is imported); workers and the all-in-one count in the
default registry, which their probe port (shared/probe.py) or the apps' /metrics serve. What is a
fact of the database (outbox backlog, parked rows, pending notices) is read when scraped.
"""
from __future__ import annotations

import os
import threading
import time

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter,
                               Histogram, generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily

_QUEUE = ("service", "queue")
_LATENCY = (.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10)

# --- the consumers (shared/consumer.py, shared/batch.py, shared/local_bus.py) ---
RECEIVED = Counter("microwish_messages_received", "Deliveries taken from a queue.", _QUEUE)
APPLIED = Counter("microwish_messages_applied", "Messages applied and committed.", _QUEUE)
DUPLICATES = Counter("microwish_messages_duplicate",
                     "Messages skipped as duplicates (already in the inbox).", _QUEUE)
RETRIED = Counter("microwish_messages_retried",
                  "Messages sent round a retry tier after a transient failure.", _QUEUE)
DEAD_LETTERED = Counter("microwish_messages_dead_lettered",
                        "Messages put in their dead queue (poison, or past the last retry).",
                        _QUEUE)
HANDLER_SECONDS = Histogram("microwish_handler_seconds", "Time a handler took on one message.",
                            _QUEUE, buckets=_LATENCY)

# --- the relay (shared/relay.py) ---
RELAY_BATCHES = Counter("microwish_relay_batches", "Outbox batches published.", ("service",))
RELAY_CONFIRMED = Counter("microwish_relay_confirmed",
                          "Outbox rows the broker confirmed (marked sent).", ("service",))
RELAY_RETURNED = Counter("microwish_relay_returned",
                         "Outbox rows the broker returned (no queue bound).", ("service",))
RELAY_NACKED = Counter("microwish_relay_nacked", "Outbox rows the broker nacked.", ("service",))
RELAY_FAILURES = Counter("microwish_relay_failures",
                         "Relay batches that failed as a whole (broker or database away).",
                         ("service",))
OUTBOX_PARKED = Counter("microwish_outbox_parked",
                        "Outbox rows parked (given up on, for ops to retry).", ("service",))

# --- scheduled jobs (shared/runtime.py) ---
JOB_RUNS = Counter("microwish_job_runs", "Scheduled job runs, by outcome (ok, failed).",
                   ("service", "job", "outcome"))
JOB_SECONDS = Histogram("microwish_job_seconds", "Time one run of a job took.", ("service", "job"),
                        buckets=(.01, .05, .1, .5, 1, 5, 10, 30, 60, 300))

# --- notifications (services/matching/notices/jobs.py) ---
NOTICES_SENT = Counter("microwish_notifications_sent", "Notices handed to a channel.",
                       ("channel",))
NOTICES_FAILED = Counter("microwish_notifications_failed",
                         "Notices not delivered: retried later or given up, by reason's kind.",
                         ("channel", "reason"))

# --- HTTP (shared/web.py); the route is the URL rule, never the raw path ---
HTTP_REQUESTS = Counter("microwish_http_requests", "HTTP requests answered.",
                        ("service", "route", "method", "status"))
HTTP_SECONDS = Histogram("microwish_http_request_seconds", "Time to answer an HTTP request.",
                         ("service", "route", "method"), buckets=_LATENCY)

# Read when scraped, by the worker (OutboxCollector, PendingNotices, JobClock):
SCRAPED = {
    "microwish_outbox_backlog": "Outbox rows not yet sent (parked ones aside).",
    "microwish_outbox_oldest_age_seconds": "Age of the oldest unsent, unparked outbox row.",
    "microwish_outbox_parked_rows": "Outbox rows parked, waiting for ops.",
    "microwish_notifications_pending": "Notices neither sent nor given up (matching's table).",
    "microwish_job_lag_seconds": "Seconds since a job's last successful run (or since start).",
    "microwish_job_interval_seconds": "How often a job is meant to run.",
    "microwish_database_up": "1 when the scrape could read the database, else 0.",
}


def names() -> set[str]:
    """Every metric name a scrape can show (counters with their _total), for the alert tests."""
    out = set(SCRAPED)
    for metric in (RECEIVED, APPLIED, DUPLICATES, RETRIED, DEAD_LETTERED, RELAY_BATCHES,
                   RELAY_CONFIRMED, RELAY_RETURNED, RELAY_NACKED, RELAY_FAILURES, OUTBOX_PARKED,
                   JOB_RUNS, NOTICES_SENT, NOTICES_FAILED, HTTP_REQUESTS):
        name = metric.describe()[0].name
        out |= {f"{name}_total", f"{name}_created"}
    for metric in (HANDLER_SECONDS, JOB_SECONDS, HTTP_SECONDS):
        name = metric.describe()[0].name
        out |= {name + s for s in ("_bucket", "_sum", "_count", "_created")}
    return out


def _gauge(name: str, labels: list[str]) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, SCRAPED[name], labels=labels)


class JobClock:
    """When each job last succeeded, for its lag; one per process (the all-in-one has several
    services' jobs)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[tuple[str, str], tuple[float, float]] = {}  # → (since, interval)

    def started(self, service: str, job: str, interval: float) -> None:
        with self._lock:
            self._jobs.setdefault((service, job), (time.monotonic(), interval))

    def succeeded(self, service: str, job: str, interval: float) -> None:
        with self._lock:
            self._jobs[(service, job)] = (time.monotonic(), interval)

    def collect(self):
        lag = _gauge("microwish_job_lag_seconds", ["service", "job"])
        interval = _gauge("microwish_job_interval_seconds", ["service", "job"])
        now = time.monotonic()
        with self._lock:
            for (service, job), (since, every) in sorted(self._jobs.items()):
                lag.add_metric([service, job], now - since)
                interval.add_metric([service, job], every)
        yield lag
        yield interval


JOBS = JobClock()
REGISTRY.register(JOBS)


class DatabaseGauges:
    """The outbox's (and matching's notices') state, read from the database at each scrape."""

    def __init__(self, dbs):
        self.dbs = list(dbs)

    def collect(self):
        from shared.health import notices_pending, outbox_state  # the database side, not metrics

        backlog = _gauge("microwish_outbox_backlog", ["service"])
        oldest = _gauge("microwish_outbox_oldest_age_seconds", ["service"])
        parked = _gauge("microwish_outbox_parked_rows", ["service"])
        pending = _gauge("microwish_notifications_pending", ["service"])
        up = _gauge("microwish_database_up", ["service"])
        for db in self.dbs:
            try:
                state = outbox_state(db)
                waiting = notices_pending(db) if db.service == "matching" else None
            except Exception:  # the database away: say so rather than fail the whole scrape
                up.add_metric([db.service], 0)
                continue
            up.add_metric([db.service], 1)
            backlog.add_metric([db.service], state.backlog)
            oldest.add_metric([db.service], state.oldest_age)
            parked.add_metric([db.service], state.parked)
            if waiting is not None:
                pending.add_metric([db.service], waiting)
        yield from (backlog, oldest, parked, pending, up)


def watch_databases(dbs, registry=REGISTRY) -> DatabaseGauges:
    """Report these databases' outbox gauges in `registry` from now on."""
    gauges = DatabaseGauges(dbs)
    registry.register(gauges)
    return gauges


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> tuple[bytes, str]:
    """This process's metrics as Prometheus text: under gunicorn, every worker's, summed."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def reason_kind(reason: str) -> str:
    """A failure's kind for a label (`rejected:isv.X` → `rejected`): few values, no addresses."""
    return reason.split(":", 1)[0][:40] or "error"
