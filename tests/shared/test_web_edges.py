"""What every service's app answers at its edges: 405 with Allow, /readyz while the database is down."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from services.worker import service_module
from shared.db import normalise
from shared.settings import SERVICES, Settings
from tests.helpers import PG_URL, api_error, free_port


@pytest.fixture
def unreachable(schemas) -> Settings:
    """Settings whose every database is a closed port: nothing answers there."""
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/test"
    return Settings(broker_url="memory://", database_urls={s: dead for s in SERVICES},
                    database_schemas=schemas)


@pytest.mark.parametrize("service", SERVICES)
def test_readyz_is_503_while_the_database_is_down_and_health_still_answers(unreachable,
                                                                          service):
    app = service_module(service).create_app(unreachable)
    client = app.test_client()
    ready = client.get("/readyz")
    api_error(ready, 503, "not_ready")
    assert ready.get_json()["checks"]["database"] == "down"
    assert client.get("/healthz").status_code == 200
    app.extensions["microwish.db"].dispose()


@pytest.mark.parametrize("service", SERVICES)
def test_readyz_is_200_on_a_database_that_answers(make_db, db_settings, service):
    app = service_module(service).create_app(db_settings, make_db(service))
    body = app.test_client().get("/readyz").get_json()
    assert body["status"] == "ready" and body["checks"] == {"database": "ok", "broker": "ok"}


@pytest.mark.parametrize("service, path, allowed", [
    ("intake", "/api/v1/submissions", {"GET", "POST"}),
    ("matching", "/api/v1/wishes", {"GET"}),
    ("verification", "/api/v1/reviews/w-1/approve", {"POST"}),
    ("scoring", "/healthz", {"GET"}),
])
def test_405_says_which_methods_are_allowed(unreachable, service, path, allowed):
    app = service_module(service).create_app(unreachable)
    resp = app.test_client().put(path, json={})
    api_error(resp, 405, "method_not_allowed")
    assert {m.strip() for m in resp.headers["Allow"].split(",")} - {"HEAD", "OPTIONS"} == allowed
    app.extensions["microwish.db"].dispose()


def test_a_dropped_database_connection_is_503_once_and_then_reconnected(make_db, db_settings):
    db = make_db("matching")
    app = service_module("matching").create_app(db_settings, db)
    client = app.test_client()
    assert client.get("/api/v1/wishes").status_code == 200  # a pooled connection now exists
    admin = create_engine(normalise(PG_URL))
    with admin.connect() as conn:  # as a database restart would, to the app's pool
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = :name AND pid <> pg_backend_pid()"),
                     {"name": f"microwish:{db.schema}"})
    admin.dispose()
    dropped = client.get("/api/v1/wishes")
    api_error(dropped, 503, "not_ready")
    assert dropped.headers["Retry-After"] == "1"
    assert [client.get("/api/v1/wishes").status_code for _ in range(2)] == [200, 200]
