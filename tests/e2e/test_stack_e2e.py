"""End to end: the stack as separate processes (gunicorn and workers) on the real broker and database."""
from __future__ import annotations

import json
import signal

import pytest
import requests
from kombu import Connection
from sqlalchemy import create_engine, text

from services import demo
from services.intake.accounts.actions import create_account
from services.allinone import PrefixDispatcher
from services.stack import Stack
from services.worker import service_module
from shared import topology
from shared.db import Database, normalise
from shared.settings import SERVICES
from tests.actors import HOTLINE, Claimer, Liaison, Remote, System
from tests.factories import submission
from tests.helpers import ELIGIBLE, PG_URL, Capture, free_port, person_id, wait_for

pytestmark = pytest.mark.stack
# Every cane wish has a wisher of its own, person_id(n): verification admits one wish a person.
CANE = {"description": "老人腿脚不便，想要一根结实的拐杖。"}


def _seed_accounts(settings) -> None:
    """The demo accounts, and the hotline as a system client publishing as the broker's guest."""
    db = Database(settings, "intake", service_module("intake").METADATA)
    with db.uow() as uow:
        demo.seed_accounts(uow.session)
        create_account(uow.session, HOTLINE, "system", "12345 热线", app_id=HOTLINE,
                       broker_user="guest")
        uow.commit()
    db.dispose()


@pytest.fixture
def stack(settings, tmp_path):
    env = {"MICROWISH_BROKER_URL": settings.broker_url}
    for service in SERVICES:
        env[f"MICROWISH_{service.upper()}_DATABASE_URL"] = PG_URL
        env[f"MICROWISH_{service.upper()}_DATABASE_SCHEMA"] = settings.database_schema(service)
    s = Stack(env=env, ports={svc: free_port() for svc in SERVICES}, log_dir=str(tmp_path))
    s.migrate()
    _seed_accounts(settings)
    with Connection(settings.broker_url) as conn:
        topology.declare(conn)
    s.start()
    for service in SERVICES:
        wait_for(lambda: _ready(s, service), timeout=60, what=f"{service} ready")
    for worker in s.metrics_ports:  # each worker's probe answers once its threads all run
        wait_for(lambda: _probed(s.metrics_url(worker) + "/healthz"), timeout=60,
                 what=f"{worker} running")
    yield s
    s.stop()


def _ready(s: Stack, service: str) -> bool:
    try:
        return requests.get(s.url(service) + "/readyz", timeout=2).status_code == 200
    except requests.RequestException:  # not listening yet, or still starting
        return False


def _probed(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def _people(s: Stack) -> tuple[Liaison, Claimer]:
    """The demo liaison and member, logged in over HTTP as clients of the stack would."""
    # Each path goes to the service that owns it, as nginx routes them in the deployment.
    owner = PrefixDispatcher({service: service for service in SERVICES}).app_for
    stack_http = Remote(lambda path: s.url(owner(path)))
    return Liaison.log_in(stack_http, "liaison"), Claimer.log_in(stack_http, "member")


def _json(resp):
    """The answer's JSON if it is a 200, else None (not there yet)."""
    return resp.json() if resp.status_code == 200 else None


def _done(resp) -> dict:
    assert resp.status_code in (200, 201), resp.text
    return resp.json()


def _drive_to_points(liaison: Liaison, member: Claimer, wish_id: str) -> None:
    wait_for(lambda: _json(liaison.get(f"/api/v1/wishes/{wish_id}")), what="wish published")
    claim = _done(member.claim(wish_id))
    _done(member.fulfil(claim["id"], note="已送到老人家中"))
    _done(liaison.confirm(claim["id"]))


def test_wishes_over_http_and_amqp_reach_the_ledger(settings, stack):
    assert requests.get(stack.url("intake") + "/api/v1/submissions").status_code == 401
    liaison, member = _people(stack)
    receipts = Capture(settings.broker_url, f"submission.*.{HOTLINE}")
    by_http = _done(liaison.submit(submission(
        **CANE, title="想要一根拐杖 #1", wisher={"id_number": person_id(1), **ELIGIBLE})))["id"]
    System.on_queue(settings.broker_url).publish(submission(
        **CANE, title="想要一根拐杖 #2", wisher={"id_number": person_id(2), **ELIGIBLE}),
        message_id="hotline-42")
    [receipt] = receipts.take(1)
    by_amqp = json.loads(receipt.body)["payload"]["wish_id"]
    receipts.close()

    for wish_id in (by_http, by_amqp):
        _drive_to_points(liaison, member, wish_id)
    member_id = _json(member.get("/api/v1/auth/me"))["id"]
    points = wait_for(lambda: (p := _json(member.get(f"/api/v1/points/{member_id}")))
                      and p["total"] == 2 and p, what="two points in the ledger")
    assert {e["wish_id"] for e in points["entries"]} == {by_http, by_amqp}
    for wish_id in (by_http, by_amqp):
        wait_for(lambda: _json(liaison.get(f"/api/v1/submissions/{wish_id}"))["status"]
                 == "confirmed", what="intake sees the wish confirmed")
    # What ops see of it: the scoring worker applied both confirmations (its probe port), and
    # intake's gunicorn counted the submission by its rule (both workers' counts summed).
    scoring = _samples(stack.metrics_url("scoring-worker") + "/metrics")
    assert scoring.get(("microwish_messages_applied_total", "scoring.wish-confirmed"), 0) >= 2
    assert requests.get(stack.metrics_url("scoring-worker") + "/readyz", timeout=5).ok
    intake = requests.get(stack.url("intake") + "/metrics", timeout=5).text
    assert 'route="/api/v1/submissions"' in intake and "microwish_http_request_seconds" in intake


def _samples(url: str) -> dict:
    """{(name, queue): value} of a worker's scrape."""
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(url, timeout=5).text
    return {(s.name, s.labels.get("queue")): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


@pytest.fixture
def pg():
    engine = create_engine(normalise(PG_URL))
    yield engine
    engine.dispose()


def _counter(engine, settings):
    """count(service, table): rows in a service's table, read straight from its schema."""
    def count(service: str, table: str) -> int:
        with engine.connect() as conn:
            schema = settings.database_schema(service)
            return conn.scalar(text(f'SELECT count(*) FROM "{schema}"."{table}"'))
    return count


def test_killing_workers_mid_run_loses_nothing(settings, stack, pg):
    _count = _counter(pg, settings)
    liaison, _ = _people(stack)
    ids = []
    for n in range(240):
        cane = submission(**CANE, title=f"想要一根拐杖 #{n}",
                          wisher={"id_number": person_id(n), **ELIGIBLE})
        ids.append(_done(liaison.submit(cane))["id"])
        if n == 60:
            wait_for(lambda: _count("verification", "reviews") > 0,
                     what="verification under way")
            stack.kill("verification-worker", signal.SIGKILL)
        if n == 120:
            stack.kill("matching-worker", signal.SIGKILL)
        if n == 180:
            stack.start("verification-worker")
            stack.start("matching-worker")

    wait_for(lambda: _count("matching", "wishes") == len(ids),
             timeout=90, what="every wish published")
    wall, after = set(), ""
    while after is not None:  # the wall a page at a time, as a phone reads it
        page = _json(liaison.get("/api/v1/wishes?limit=100" + (f"&after={after}" if after else "")))
        wall |= {w["id"] for w in page["items"]}
        after = page["next"]
        assert page["total"] == len(ids)
    assert wall == set(ids)
    assert _count("verification", "reviews") == len(ids)
    wait_for(lambda: all(_json(liaison.get(f"/api/v1/submissions/{i}"))["status"] == "published"
                         for i in ids[:20] + ids[-20:]), what="intake follows the outcomes")


def test_worker_stops_cleanly_on_sigterm(stack):
    assert stack.kill("scoring-worker", signal.SIGTERM) == 0
