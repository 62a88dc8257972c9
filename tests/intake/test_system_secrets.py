"""A government system's secrets after registration: a district admin rotates its API key (the
old one is refused), its broker password (the broker refuses the old one, takes the new one) or
revokes both; audited; only a city-wide admin reaches systems."""
from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import pytest
import requests
from kombu import Connection

from services.intake.accounts.broker import management_api
from services.intake.accounts.systems import register
from services.intake.app import create_app
from tests.conftest import MANAGEMENT_URL
from tests.helpers import bearer, emitted, principal

SYSTEMS, ME = "/api/v1/systems", "/api/v1/auth/me"


@pytest.fixture
def system(settings, db):
    """A system registered in this test's vhost, its broker user made over the management API."""
    app_id = f"gov-{uuid.uuid4().hex[:8]}"  # broker users are node-wide: a fresh name each
    done = register(db, app_id, "测试系统", settings.broker_url, management_api())
    assert done.applied
    yield app_id, done
    requests.delete(f"{MANAGEMENT_URL}/users/{app_id}", auth=("guest", "guest"), timeout=30)


def _broker_url(settings, user: str, password: str) -> str:
    url = urlsplit(settings.broker_url)
    return url._replace(netloc=f"{user}:{password}@{url.hostname}:{url.port}").geturl()


def _logs_in(settings, user: str, password: str) -> bool:
    try:
        with Connection(_broker_url(settings, user, password), connect_timeout=5) as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # AccessRefused, or kombu's OperationalError around it
        return False


def test_rotating_the_api_key_and_broker_password_and_revoking_both(settings, db, system):
    app_id, registered = system
    client = create_app(settings, db).test_client()
    admin = bearer(settings, principal("district_admin"))
    old_key = {"X-Api-Key": registered.api_key}
    assert client.get(ME, headers=old_key).status_code == 200

    rotated = client.post(f"{SYSTEMS}/{app_id}/api-key", headers=admin)
    assert rotated.status_code == 200
    new_key = {"X-Api-Key": rotated.get_json()["api_key"]}
    refused = client.get(ME, headers=old_key)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (401, "invalid_api_key")
    assert client.get(ME, headers=new_key).get_json()["app_id"] == app_id

    assert _logs_in(settings, app_id, registered.broker_password)
    changed = client.post(f"{SYSTEMS}/{app_id}/broker-password", headers=admin, json={})
    body = changed.get_json()
    assert changed.status_code == 200 and body["applied"] is True and body["commands"] == []
    assert not _logs_in(settings, app_id, registered.broker_password)
    assert _logs_in(settings, app_id, body["broker_password"])
    vhost = urlsplit(settings.broker_url).path.lstrip("/")
    grants = requests.get(f"{MANAGEMENT_URL}/permissions/{vhost}/{app_id}", auth=("guest", "guest"),
                          timeout=30).json()
    assert grants["configure"] == "^$" and grants["write"] == "^microwish\\.intake$"

    revoked = client.delete(f"{SYSTEMS}/{app_id}", headers=admin)
    assert revoked.status_code == 200 and revoked.get_json()["disabled"] is True
    assert client.get(ME, headers=new_key).status_code == 401
    assert not _logs_in(settings, app_id, body["broker_password"])
    # Rotating both brings a revoked system back.
    restored = client.post(f"{SYSTEMS}/{app_id}/api-key", headers=admin).get_json()
    assert client.get(ME, headers={"X-Api-Key": restored["api_key"]}).status_code == 200
    again = client.post(f"{SYSTEMS}/{app_id}/revocation", headers=admin, json={}).get_json()
    assert again["disabled"] is True

    audit = json.dumps(emitted(db, "audit.recorded"))
    for action in ("system.api_key_rotated", "system.broker_password_rotated", "system.revoked"):
        assert action in audit
    assert rotated.get_json()["api_key"] not in audit and body["broker_password"] not in audit


def test_systems_are_a_city_wide_admins_and_bad_calls_say_why(settings, db, system):
    app_id, _ = system
    client = create_app(settings, db).test_client()
    scoped = bearer(settings, principal("district_admin", communities=["chuanhui"]))
    admin = bearer(settings, principal("district_admin"))
    for path in ("api-key", "broker-password", "revocation"):
        assert client.post(f"{SYSTEMS}/{app_id}/{path}", headers=scoped).status_code == 404
        assert client.post(f"{SYSTEMS}/no-such-system/{path}", headers=admin).status_code == 404
        resp = client.post(f"{SYSTEMS}/{app_id}/{path}", headers=admin, json={"api_key": "mine"})
        assert resp.status_code == 422
        assert resp.get_json()["error"]["fields"][0] == {
            "field": "api_key", "code": "unknown_field", "message": "不允许的字段"}
    assert client.delete(f"{SYSTEMS}/{app_id}", headers=scoped).status_code == 404
    listed = client.get(SYSTEMS, headers=admin).get_json()["items"]
    assert [s["app_id"] for s in listed] == [app_id] and listed[0]["disabled"] is False
