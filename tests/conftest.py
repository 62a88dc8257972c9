"""Fixtures: throwaway PostgreSQL schemas per test, and a RabbitMQ vhost for tests on the bus."""
from __future__ import annotations

import os
import subprocess
import uuid

import pytest
import requests
from sqlalchemy import create_engine, text

from services.intake.config import Config as IntakeConfig
from shared.db import Database, normalise
from shared.migrate import upgrade
from shared.settings import SERVICES, Settings, from_env
from shared.tokens import Tokens
from tests.helpers import PG_URL

AMQP_URL = os.environ.get("MICROWISH_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672")


MANAGEMENT_URL = os.environ.get("MICROWISH_TEST_RABBITMQ_API", "http://127.0.0.1:15672/api")


def _rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


class _Vhosts:
    """Make and drop vhosts over the management API (milliseconds), else with rabbitmqctl (seconds)."""

    def __init__(self):
        self.api = requests.Session()
        self.api.auth = ("guest", "guest")
        try:
            self.api.get(f"{MANAGEMENT_URL}/overview", timeout=2).raise_for_status()
        except requests.RequestException:
            self.api = None  # .ci/run enables rabbitmq_management; without it, the slow way

    def add(self, name: str) -> None:
        if self.api is None:
            _rabbitmqctl("add_vhost", name)
            _rabbitmqctl("set_permissions", "-p", name, "guest", ".*", ".*", ".*")
            return
        self.api.put(f"{MANAGEMENT_URL}/vhosts/{name}", timeout=30).raise_for_status()
        self.api.put(f"{MANAGEMENT_URL}/permissions/{name}/guest", timeout=30,
                     json={"configure": ".*", "write": ".*", "read": ".*"}).raise_for_status()

    def delete(self, name: str) -> None:
        if self.api is None:
            _rabbitmqctl("delete_vhost", name)
        else:
            self.api.delete(f"{MANAGEMENT_URL}/vhosts/{name}", timeout=30).raise_for_status()


@pytest.fixture(scope="session")
def vhosts() -> _Vhosts:
    return _Vhosts()


@pytest.fixture
def vhost(vhosts):
    """A RabbitMQ vhost of this test's own, deleted afterwards; yields its broker URL."""
    name = f"mw-test-{uuid.uuid4().hex[:10]}"
    vhosts.add(name)
    yield f"{AMQP_URL}/{name}"
    vhosts.delete(name)


@pytest.fixture
def schemas():
    """PostgreSQL schema names of this test's own, one per service, dropped afterwards."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    names = {s: f"{prefix}_{s}" for s in SERVICES}
    yield names
    engine = create_engine(normalise(PG_URL))
    with engine.begin() as conn:
        for name in names.values():
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
    engine.dispose()


@pytest.fixture
def db_settings(schemas) -> Settings:
    """Settings on the real database (own schemas), no broker: for tests that never use the bus."""
    # memory:// stands in for RabbitMQ, so such a test costs no vhost: apps write their events to
    # the outbox either way, and only a relay or a consumer would connect to a broker.
    return Settings(broker_url="memory://", database_urls={s: PG_URL for s in SERVICES},
                    database_schemas=schemas, relay_idle_seconds=0.05,
                    retry_backoff_seconds=0.05, relay_batch_size=50)


@pytest.fixture
def settings(db_settings, vhost) -> Settings:
    """db_settings on the real broker, in a vhost of this test's own: for tests that use the bus."""
    return db_settings.with_overrides(broker_url=vhost)


@pytest.fixture
def make_db(db_settings):
    """Migrate a service's schema and hand back its Database; disposed afterwards."""
    made = []

    def _make(service: str) -> Database:
        from services.worker import service_module

        upgrade(db_settings, service)
        db = Database(db_settings, service, service_module(service).METADATA)
        made.append(db)
        return db

    yield _make
    for db in made:
        db.dispose()


@pytest.fixture
def sqlite_settings(tmp_path):
    """The all-in-one's SQLite in this test's own var dir, with intake and matching migrated."""
    settings = from_env({"MICROWISH_VAR_DIR": str(tmp_path)})
    upgrade(settings, "intake")
    upgrade(settings, "matching")
    return settings


# What a browser asks for: pages answer it with HTML (and a login redirect), not JSON errors.
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture
def app(db_settings, db):
    """The Flask app of the service whose `db` the test module gives, in testing mode."""
    from services.worker import service_module

    made = service_module(db.service).create_app(db_settings, db)
    made.config.update(TESTING=True)
    return made


@pytest.fixture
def browser_of(app, db_settings):
    """browser_of(who): `who` in a browser, with their session cookie, asking for HTML."""
    from tests.actors import acting

    def make(who=None):
        client = app.test_client()
        client.environ_base["HTTP_ACCEPT"] = HTML
        if who is not None:
            token, _ = Tokens(db_settings.token_keys).issue(
                who, IntakeConfig.session_ttl_seconds, "session")
            client.set_cookie("mw_session", token)
        return acting(who)(client, who=who)
    return make
