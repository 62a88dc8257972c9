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


def test_the_walls_wish_with_a_nul_for_its_id_is_404_to_anyone(matching_client):
    """The fuzzer's GET /api/v1/wishes/%00 (no login) was a 500: no such id can exist."""
    anyone = matching_client.client  # the same app, without the member's token
    error = api_error(anyone.get("/api/v1/wishes/%00"), 404, "invalid_characters")
    assert [f["field"] for f in error["fields"]] == ["wish_id"]
