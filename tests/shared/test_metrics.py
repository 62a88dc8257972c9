"""Metrics move when messages flow, on the real broker and PostgreSQL: a worker's probe port and an
app's /metrics before and after; a duplicate counts as skipped; the relay's confirms and returns;
HTTP requests by their URL rule, never the raw path."""
from __future__ import annotations

import requests
from kombu import Connection, Producer
from prometheus_client.parser import text_string_to_metric_families

from services.matching import app as matching
from services.worker import runtime
from shared import metrics, topology
from shared.envelope import make_event
from tests.factories import community_profile
from tests.helpers import publish_event, wait_for


def scrape(url: str) -> dict:
    """{(name, sorted labels): value} of one scrape."""
    text = requests.get(url, timeout=5).text
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    """The sum of `name`'s samples whose labels include `labels` (0 when none)."""
    return sum(v for (n, ls), v in samples.items()
               if n == name and labels.items() <= dict(ls).items())


QUEUE = {"service": "matching", "queue": "matching.communities"}


def test_a_worker_counts_received_applied_and_duplicates_and_the_relay_its_confirms(
        settings, make_db):
    db = make_db("matching")
    worker = runtime("matching", settings, db, queues=["matching.communities"])
    worker.jobs = []  # only the consumer and the relay: the scans would move their own counters
    worker.start()
    probe = worker.probe(0)
    url = f"http://127.0.0.1:{probe.port}/metrics"
    try:
        before = scrape(url)
        event = make_event("community.registered", community_profile(), "intake",
                           correlation_id="w-metrics-1")
        publish_event(settings.broker_url, event)
        publish_event(settings.broker_url, event)  # the same message_id again: a duplicate
        after = wait_for(lambda: (s := scrape(url)) and value(
            s, "microwish_messages_duplicate_total", **QUEUE) > value(
            before, "microwish_messages_duplicate_total", **QUEUE) and s, what="the duplicate")
        delta = {name: value(after, name, **QUEUE) - value(before, name, **QUEUE) for name in (
            "microwish_messages_received_total", "microwish_messages_applied_total",
            "microwish_messages_duplicate_total", "microwish_handler_seconds_count")}
        assert delta == {"microwish_messages_received_total": 2,
                         "microwish_messages_applied_total": 1,
                         "microwish_messages_duplicate_total": 1,
                         "microwish_handler_seconds_count": 1}

        # Poison (not even JSON) goes to the dead queue at once, and is counted there.
        with Connection(settings.broker_url) as conn:
            Producer(conn.default_channel).publish(
                b"not json", exchange=topology.EVENTS, routing_key="community.registered",
                message_id="m-poison-1", content_type="application/json", retry=False)
        wait_for(lambda: value(scrape(url), "microwish_messages_dead_lettered_total", **QUEUE)
                 == value(before, "microwish_messages_dead_lettered_total", **QUEUE) + 1,
                 what="the poison dead-lettered")

        # The relay: one event some queue binds (confirmed), one nobody binds (returned).
        with db.uow() as uow:
            uow.emit("community.registered", community_profile(), "w-metrics-2")
            uow.emit("community.registered", community_profile(), "w-metrics-3",
                     routing_key="nobody.listens")
            uow.commit()
        relay = {"service": "matching"}
        moved = wait_for(lambda: (s := scrape(url)) and value(
            s, "microwish_relay_returned_total", **relay) > value(
            before, "microwish_relay_returned_total", **relay) and value(
            s, "microwish_relay_confirmed_total", **relay) > value(
            before, "microwish_relay_confirmed_total", **relay) and s, what="relay counters")
        assert value(moved, "microwish_relay_batches_total", **relay) > value(
            before, "microwish_relay_batches_total", **relay)
        # The returned row waits for its next attempt: the outbox's gauges see it.
        assert value(moved, "microwish_outbox_backlog", **relay) == 1
        assert value(moved, "microwish_outbox_oldest_age_seconds", **relay) >= 0
        assert value(moved, "microwish_database_up", **relay) == 1
        assert value(moved, "microwish_notifications_pending", **relay) == 0
        names = {n for n, _labels in moved if n.startswith("microwish_")}
        assert names <= metrics.names(), names - metrics.names()

        health = requests.get(f"http://127.0.0.1:{probe.port}/healthz", timeout=5)
        ready = requests.get(f"http://127.0.0.1:{probe.port}/readyz", timeout=5)
        assert health.json() == {"status": "ok"}
        assert ready.status_code == 200
        assert ready.json()["services"][0]["relay"]["backlog"] == 1
    finally:
        probe.stop()
        worker.stop()


def test_http_requests_are_counted_by_their_rule_with_the_request_id_echoed(db_settings, make_db):
    app = matching.create_app(db_settings, make_db("matching"))
    client = app.test_client()
    labels = {"service": "matching", "route": "/api/v1/wishes/<wish_id>", "method": "GET",
              "status": "404"}
    before = value(_scrape_app(client), "microwish_http_requests_total", **labels)
    answer = client.get("/api/v1/wishes/w-raw-id-12345", headers={"X-Request-Id": "req-abc.1"})
    assert answer.status_code == 404 and answer.headers["X-Request-Id"] == "req-abc.1"
    made = client.get("/api/v1/wishes", headers={"X-Request-Id": "not ok\u00e9"})
    assert len(made.headers["X-Request-Id"]) == 32  # an unusable id is replaced by one we make
    samples = _scrape_app(client)
    assert value(samples, "microwish_http_requests_total", **labels) == before + 1
    assert value(samples, "microwish_http_request_seconds_count", service="matching",
                 route="/api/v1/wishes/<wish_id>") >= 1
    assert not [ls for _n, ls in samples if "w-raw-id-12345" in str(ls)]


def _scrape_app(client) -> dict:
    text = client.get("/metrics").get_data(as_text=True)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}
