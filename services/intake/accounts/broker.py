"""A system client's RabbitMQ user: exactly what it may do, set over the management API.

It may publish only to `microwish.intake` (as itself: RabbitMQ checks `user_id`) and read only
its own `receipts.<app_id>`, which the platform declares; it may configure nothing, so it can
neither bind a queue to `microwish.events` nor declare another system's queue.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

import requests

from services.intake import config as intake_config
from shared.topology import INTAKE, receipts_queue

NOTHING = "^$"


@dataclass(frozen=True)
class Grants:
    """A system's permissions in one vhost: configure/write/read regexes, and the topic rule."""

    user: str
    vhost: str
    configure: str
    write: str
    read: str
    topic_exchange: str
    topic_write: str

    def rabbitmqctl(self, password: str) -> list[list[str]]:
        """The same grants as commands an operator runs on the RabbitMQ node."""
        return [["rabbitmqctl", "add_user", self.user, password],
                ["rabbitmqctl", "set_permissions", "-p", self.vhost, self.user,
                 self.configure, self.write, self.read],
                ["rabbitmqctl", "set_topic_permissions", "-p", self.vhost, self.user,
                 self.topic_exchange, self.topic_write, NOTHING]]


def grants(app_id: str, vhost: str = "/") -> Grants:
    """What `app_id`'s broker user (named like it) may do in `vhost`."""
    # Topic permissions bind only on topic exchanges; microwish.intake is direct and routes only
    # `submission`, so they are a second lock should it ever become a topic exchange.
    return Grants(user=app_id, vhost=vhost, configure=NOTHING,
                  write=rf"^{re.escape(INTAKE.name)}$",
                  read=rf"^{re.escape(receipts_queue(app_id).name)}$",
                  topic_exchange=INTAKE.name, topic_write="^submission$")


class BrokerUnreachable(Exception):
    """The management API did not answer: the operator applies the grants by hand."""


@dataclass(frozen=True)
class ManagementApi:
    """RabbitMQ's management HTTP API, as the platform's broker administrator."""

    url: str
    user: str
    password: str
    timeout: float = 10.0

    def _put(self, path: str, body: dict) -> None:
        try:
            answer = requests.put(f"{self.url}/{path}", json=body, timeout=self.timeout,
                                  auth=(self.user, self.password))
        except requests.RequestException as exc:
            raise BrokerUnreachable(self.url) from exc
        answer.raise_for_status()

    def _call(self, method: str, path: str, **kw):
        try:
            answer = requests.request(method, f"{self.url}/{path}", timeout=self.timeout,
                                      auth=(self.user, self.password), **kw)
        except requests.RequestException as exc:
            raise BrokerUnreachable(self.url) from exc
        if answer.status_code != 404:  # deleting what is already gone is done
            answer.raise_for_status()
        return answer

    def remove(self, user: str) -> None:
        """Delete the user and close its open connections: it can neither log in nor go on."""
        self._call("DELETE", f"users/{quote(user, safe='')}")
        for conn in self._call("GET", "connections", params={"columns": "name,user"}).json():
            if conn.get("user") == user:
                self._call("DELETE", f"connections/{quote(conn['name'], safe='')}",
                           headers={"X-Reason": "revoked by the platform"})

    def apply(self, g: Grants, password: str) -> None:
        """Create (or reset) the user and give it exactly `g`; every call is idempotent."""
        vhost, user = quote(g.vhost, safe=""), quote(g.user, safe="")
        self._put(f"users/{user}", {"password": password, "tags": ""})
        self._put(f"permissions/{vhost}/{user}",
                  {"configure": g.configure, "write": g.write, "read": g.read})
        self._put(f"topic-permissions/{vhost}/{user}",
                  {"exchange": g.topic_exchange, "write": g.topic_write, "read": NOTHING})


def management_api(env: dict[str, str] | None = None) -> ManagementApi:
    """MICROWISH_RABBITMQ_API (and _USER, _PASSWORD: intake's config); the local guest in dev."""
    config = intake_config.from_env(env)
    return ManagementApi(config.rabbitmq_api, config.rabbitmq_api_user,
                         config.rabbitmq_api_password)
