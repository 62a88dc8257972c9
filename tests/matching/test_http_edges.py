"""HTTP edges of matching on SQLite: clear JSON errors for claims that cannot be."""
from __future__ import annotations

import pytest

from services.matching.app import create_app
from tests.actors import Claimer
from tests.helpers import api_error


@pytest.fixture
def matching_client(sqlite_settings):
    """Matching's API as a member: every request carries their access token."""
    app = create_app(sqlite_settings)
    app.config.update(TESTING=True)
    yield Claimer.signed(app.test_client(), sqlite_settings)
    app.extensions["microwish.db"].dispose()


def test_claim_on_missing_wish_is_404(matching_client):
    """Claiming a wish that is not on the wall answers not_found."""
    resp = matching_client.post("/api/v1/wishes/no-such-wish/claims", json={})
    api_error(resp, 404, "not_found")


def test_claim_with_extra_field_is_422(matching_client):
    """A claimer cannot name another claimer or award points: both are unknown fields."""
    resp = matching_client.post("/api/v1/wishes/no-such-wish/claims",
                                json={"member_id": "m1", "points": 100})
    error = api_error(resp, 422, "validation_failed")
    assert sorted((f["field"], f["code"]) for f in error["fields"]) == [
        ("member_id", "unknown_field"), ("points", "unknown_field")]
