"""Intake's fixtures: its database, a liaison and a client logged in as them, the queue's worker."""
from __future__ import annotations

import pytest

from services.intake.accounts.actions import create_account
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
