"""Who the tests act as: each actor holds its credentials and does the few things its role does."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pika
import requests

from services.demo import DEMO_PASSWORD
from tests.helpers import bearer, csrf_token, principal

SUBMISSIONS, CLAIMS, REVIEWS = "/api/v1/submissions", "/api/v1/claims", "/api/v1/reviews"
HOTLINE = "city-hotline"  # the city's 12345 hotline: a system client on the intake queue


def _json(resp):
    """The JSON body of a werkzeug or a requests response."""
    return resp.json() if callable(resp.json) else resp.json


class Remote:
    """A platform over real HTTP: each path goes to `base(path)`, one URL or its service's."""

    def __init__(self, base):
        self.base = base if callable(base) else (lambda _path: base)

    def open(self, path: str, method: str = "GET", timeout: float = 10, **kw):
        return requests.request(method, self.base(path) + path, timeout=timeout, **kw)


# An actor works on any client with werkzeug's open(path, method=..., **kw): a Flask test client,
# werkzeug's Client over the all-in-one, or Remote over real HTTP. It returns that client's own
# response, so a test reads the answer as it always did.
class Actor:
    """Someone on a client: every request of theirs carries their credentials."""

    role: str | None = None

    def __init__(self, client, headers: dict | None = None, who=None, id: str | None = None):
        self.client, self.headers, self.who = client, dict(headers or {}), who
        self.id = id or (who.id if who is not None else None)

    @classmethod
    def signed(cls, client, settings, who=None, **kwargs):
        """`who` (or principal(role, **kwargs)) with a fresh access token, as services trust it."""
        who = who or principal(cls.role, **kwargs)
        return cls(client, bearer(settings, who), who)

    @classmethod
    def log_in(cls, client, username: str, password: str = DEMO_PASSWORD):
        """Log in over HTTP as an account (a demo one by default); carries its access token."""
        resp = client.open("/api/v1/auth/login", method="POST",
                           json={"username": username, "password": password})
        assert resp.status_code == 200, resp.text
        body = _json(resp)
        return cls(client, {"Authorization": f"Bearer {body['access_token']}"},
                   id=body["account"]["id"])

    @property
    def token(self) -> str:
        return self.headers["Authorization"].removeprefix("Bearer ")

    def __getattr__(self, name: str):
        if name == "client":  # not yet set: no client to ask
            raise AttributeError(name)
        return getattr(self.client, name)  # the rest (cookies, the app) is the client's

    def open(self, path: str, method: str = "GET", **kw):
        headers = {**self.headers, **(kw.pop("headers", None) or {})}
        return self.client.open(path, method=method, headers=headers, **kw)

    def get(self, path: str, **kw):
        return self.open(path, "GET", **kw)

    def post(self, path: str, **kw):
        return self.open(path, "POST", **kw)

    def patch(self, path: str, **kw):
        return self.open(path, "PATCH", **kw)

    def form(self, path: str, page: str, **fields):
        """Post a form as `page` would: with the CSRF token the page carries."""
        return self.post(path, data={"csrf_token": csrf_token(self.get(page).text), **fields})


class Submitter(Actor):
    """Anyone who posts wishes to intake."""

    def submit(self, body: dict, **kw):
        return self.post(SUBMISSIONS, json=body, **kw)


class Resident(Submitter):
    """A resident: posts their own wish and confirms the deed done for it."""

    role = "resident"

    def confirm(self, claim_id: str):
        return self.post(f"{CLAIMS}/{claim_id}/confirmation", json={})

    def dispute(self, claim_id: str, reason: str):
        return self.post(f"{CLAIMS}/{claim_id}/dispute", json={"reason": reason})


class Liaison(Submitter):
    """A community's liaison: posts wishes for residents, works the review desk, confirms deeds."""

    role = "liaison"
    confirm, dispute = Resident.confirm, Resident.dispute

    def desk(self, path: str, page: str = "/review", **fields):
        """A review desk form (approve, reject, ...), posted from `page`, the queue unless told."""
        return self.form(path, page, **fields)

    def edit(self, wish_id: str, **changes):
        return self.patch(f"{REVIEWS}/{wish_id}", json=changes)

    def approve(self, wish_id: str, **body):
        return self.post(f"{REVIEWS}/{wish_id}/approve", json=body)

    def approve_all(self, wish_ids: list[str]):
        return self.post(f"{REVIEWS}/approve", json={"wish_ids": wish_ids})

    def request_info(self, wish_id: str, **body):
        return self.post(f"{REVIEWS}/{wish_id}/request-info", json=body)

    def reopen(self, wish_id: str, **body):
        return self.post(f"{REVIEWS}/{wish_id}/reopen", json=body)


class Claimer(Actor):
    """A claimer (a party member, or an organisation's admin): claims a wish and fulfils it."""

    role = "member"

    def claim(self, wish_id: str):
        return self.post(f"/api/v1/wishes/{wish_id}/claims", json={})

    def fulfil(self, claim_id: str, **body):
        return self.post(f"{CLAIMS}/{claim_id}/fulfilment", json=body)

    def release(self, claim_id: str, reason: str = "no_time", note: str | None = None):
        return self.post(f"{CLAIMS}/{claim_id}/release", json={"reason": reason, "note": note})

    def leave(self, claim_id: str):
        """Leave the group (帮帮团) they joined."""
        return self.post(f"{CLAIMS}/{claim_id}/leave", json={})


class DistrictAdmin(Actor):
    """The district's administrator: reads everything, and the audit trail."""

    role = "district_admin"

    def audit(self, **query):
        return self.get("/api/v1/audit" + (f"?{urlencode(query)}" if query else ""))


ROLES = {c.role: c for c in (Resident, Liaison, Claimer, DistrictAdmin)}


def acting(who):
    """The actor class for a principal's role (the plain Actor for anyone else)."""
    return ROLES.get(getattr(who, "role", None), Actor)


class System(Submitter):
    """A government system: posts with its API key, or publishes to the intake queue as itself."""

    role = "system"
    broker_url: str | None = None  # on the queue: where, as which app, published by which user
    app_id, broker_user = HOTLINE, "guest"

    @classmethod
    def with_key(cls, client, api_key: str):
        return cls(client, {"X-Api-Key": api_key})

    @classmethod
    def on_queue(cls, broker_url: str, app_id: str = HOTLINE, broker_user: str | None = "guest"):
        """The system as the intake queue knows it: its app_id, published as its broker user."""
        system = cls(None)
        system.broker_url, system.app_id, system.broker_user = broker_url, app_id, broker_user
        return system

    def publish(self, body, message_id: str | None = None, headers: dict | None = None,
                content_type: str = "application/json") -> None:
        """One message to the intake queue, confirmed by the broker (body: bytes or JSON)."""
        conn = pika.BlockingConnection(pika.URLParameters(self.broker_url))
        channel = conn.channel()
        channel.confirm_delivery()
        channel.basic_publish(
            "microwish.intake", "submission",
            body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode(),
            pika.BasicProperties(
                message_id=message_id, app_id=self.app_id, delivery_mode=2,
                content_type=content_type, user_id=self.broker_user,
                headers={"schema": "submission.v1"} if headers is None else headers),
            mandatory=True)
        conn.close()


def log_in_through(page, base: str, path: str, username: str = "liaison") -> None:
    """In a browser: open `path`, be sent to the login form, log in as a demo account, come back."""
    page.goto(f"{base}{path}", wait_until="domcontentloaded")
    page.wait_for_url(re.compile(rf".*/login\?next={re.escape(path)}$"))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("button[type=submit]").tap()
    page.wait_for_url(f"{base}{path}")
