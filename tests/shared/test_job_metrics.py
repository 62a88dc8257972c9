"""Jobs count their runs and their lag; the notices job counts what it sent and the pending gauge
reads matching's notices table (real PostgreSQL)."""
from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from services.matching.notices import jobs as notice_jobs
from services.matching.notices.actions import notify
from services.matching.notices.senders import LogSender
from shared import metrics
from shared.envelope import utcnow
from shared.runtime import Job, ServiceRuntime
from tests.helpers import wait_for


def _sample(name: str, **labels) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_jobs_runs_and_failures_are_counted_and_its_lag_reported(db_settings, make_db):
    db = make_db("intake")
    ok = {"service": "intake", "job": "metrics-ok", "outcome": "ok"}
    failed = {"service": "intake", "job": "metrics-failing", "outcome": "failed"}
    before = _sample("microwish_job_runs_total", **ok), _sample("microwish_job_runs_total", **failed)

    def fail(_db):
        raise RuntimeError("boom")
    runtime = ServiceRuntime(db, db_settings, [], [Job("metrics-ok", 60, lambda _db: None),
                                                   Job("metrics-failing", 60, fail)], relay=False)
    runtime.start()
    try:
        wait_for(lambda: _sample("microwish_job_runs_total", **ok) > before[0]
                 and _sample("microwish_job_runs_total", **failed) > before[1], what="both runs")
    finally:
        runtime.stop()
    lag = {"service": "intake", "job": "metrics-failing"}
    assert _sample("microwish_job_interval_seconds", **lag) == 60
    assert _sample("microwish_job_lag_seconds", **lag) > 0  # never succeeded: since it started
    assert _sample("microwish_job_seconds_count", service="intake", job="metrics-ok") >= 1


def test_the_notices_job_counts_what_it_sent_and_the_gauge_what_waits(make_db):
    db = make_db("matching")
    now = utcnow()
    with db.uow() as uow:
        for n in range(3):
            notify(uow, f"metrics:{n}", f"m-{n}", "claim.reminder",
                   {"title": "书包", "due_on": "2026-01-01", "days_left": 1}, True, now)
        uow.commit()
    registry = CollectorRegistry()
    metrics.watch_databases([db], registry)

    def pending() -> float:
        text = generate_latest(registry).decode()
        return next(s.value for family in text_string_to_metric_families(text)
                    for s in family.samples if s.name == "microwish_notifications_pending")
    assert pending() == 3
    before = _sample("microwish_notifications_sent_total", channel="log")
    assert notice_jobs.deliver(db, LogSender(), now=now + timedelta(minutes=1)) == 3
    assert _sample("microwish_notifications_sent_total", channel="log") == before + 3
    assert pending() == 0
