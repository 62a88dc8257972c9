"""Fixtures for tests of intake's JSON API: its database, a liaison, and a client logged in as them."""
from __future__ import annotations

import pytest

from services.intake.app import create_app
from tests.actors import Liaison
from tests.helpers import principal

COMMUNITY = "chuanhui-wenming"


@pytest.fixture
def db(make_db):
    return make_db("intake")


@pytest.fixture
def liaison():
    return principal("liaison", communities=[COMMUNITY])


@pytest.fixture
def client(settings, db, liaison):
    """Intake's API as the liaison: every request carries their access token."""
    return Liaison.signed(create_app(settings, db).test_client(), settings, liaison)
