"""/readyz: the database and the broker answer, with the relay's lag; 503 while either is down —
on every app and on a worker's probe port."""
from __future__ import annotations

import requests

from services.matching import app as matching
from shared.db import Database
from shared.probe import Probe
from shared.settings import SERVICES, Settings
from tests.factories import community_profile
from tests.helpers import api_error, free_port


def test_readyz_is_503_while_the_broker_is_down(db_settings, make_db):
    db = make_db("matching")
    closed = db_settings.with_overrides(broker_url=f"amqp://guest:guest@127.0.0.1:{free_port()}//")
    answer = matching.create_app(closed, db).test_client().get("/readyz")
    api_error(answer, 503, "not_ready")
    assert answer.get_json()["checks"] == {"database": "ok", "broker": "down"}


def test_readyz_answers_on_the_real_broker_and_reports_the_relays_lag(settings, make_db):
    db = make_db("matching")
    with db.uow() as uow:  # written, never relayed: nothing runs a relay here
        uow.emit("community.registered", community_profile(), "w-ready-1")
        uow.commit()
    answer = matching.create_app(settings, db).test_client().get("/readyz")
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["checks"] == {"database": "ok", "broker": "ok"}
    assert body["relay"]["backlog"] == 1 and body["relay"]["oldest_age_seconds"] >= 0


def test_a_workers_probe_is_503_while_its_database_is_down(schemas):
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    settings = Settings(database_urls={s: dead for s in SERVICES}, database_schemas=schemas)
    db = Database(settings, "matching", matching.METADATA)
    alive = {"value": True}
    probe = Probe(0, [db], "memory://", lambda: alive["value"], host="127.0.0.1").start()
    base = f"http://127.0.0.1:{probe.port}"
    try:
        ready = requests.get(f"{base}/readyz", timeout=10)
        assert ready.status_code == 503 and ready.json()["status"] == "not_ready"
        assert ready.json()["services"][0]["checks"]["database"] == "down"
        assert requests.get(f"{base}/healthz", timeout=5).status_code == 200
        scraped = requests.get(f"{base}/metrics", timeout=10).text
        assert 'microwish_database_up{service="matching"} 0.0' in scraped
        alive["value"] = False  # a thread died: not healthy either
        assert requests.get(f"{base}/healthz", timeout=5).status_code == 503
    finally:
        probe.stop()
        db.dispose()
