"""Intake's fixtures: its database, a liaison and a client logged in as them, the queue's worker,
systems registered with broker users of their own."""
from __future__ import annotations

import subprocess
import uuid
from urllib.parse import urlsplit

import pytest

from services.intake.accounts.actions import create_account
from services.intake.accounts.broker import management_api
from services.intake.accounts.systems import register
from services.intake.app import create_app
from services.worker import runtime
from tests.actors import HOTLINE, Liaison, System
from tests.factories import COMMUNITY
from tests.helpers import principal


@pytest.fixture
def db(make_db):
    return make_db("intake")


@pytest.fixture
def liaison():
    return principal("liaison", communities=[COMMUNITY])


@pytest.fixture
def client(db_settings, db, liaison):
    """Intake's API as the liaison: every request carries their access token."""
    return Liaison.signed(create_app(db_settings, db).test_client(), db_settings, liaison)


@pytest.fixture
def intake(settings, db):
    """Intake's worker on the real broker; the hotline registered, publishing as broker guest."""
    with db.uow() as uow:
        create_account(uow.session, HOTLINE, "system", "12345 热线", app_id=HOTLINE,
                       broker_user="guest")
        create_account(uow.session, "other-system", "system", "其他系统", app_id="other-system",
                       broker_user="other-system")
        uow.commit()
    rt = runtime("intake", settings, db)
    rt.start()
    yield db
    rt.stop()


@pytest.fixture
def hotline(settings):
    """The hotline publishing to the intake queue as the broker's guest."""
    return System.on_queue(settings.broker_url, HOTLINE)


@pytest.fixture
def system_client(settings):
    """system_client(db) -> (app_id, broker URL): a system registered as `systems register` does."""
    made = []

    def make(db):
        app_id = f"gov-{uuid.uuid4().hex[:8]}"  # broker users are node-wide: a fresh name each
        done = register(db, app_id, "测试系统", settings.broker_url, management_api())
        made.append(app_id)
        for command in done.commands:  # no management API here: what the operator would run
            subprocess.run(command, check=True, capture_output=True, timeout=60)
        url = urlsplit(settings.broker_url)
        return app_id, url._replace(
            netloc=f"{app_id}:{done.broker_password}@{url.hostname}:{url.port}").geturl()
    yield make
    for user in made:
        subprocess.run(["rabbitmqctl", "-q", "delete_user", user], capture_output=True, timeout=60)
