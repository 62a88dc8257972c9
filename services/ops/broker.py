"""The broker as ops see it: RabbitMQ's management API (queues, purge, policies) and AMQP for
replays, each failing with one exception that says which could not be reached."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import requests
from kombu import Connection

from services.ops import rules
from services.ops.config import Config
from shared.broker import connection
from shared.publisher import ConfirmingPublisher, Outgoing


class Unreachable(Exception):
    """A dependency did not answer; `said` is the Chinese+English line the tool prints."""

    def __init__(self, said: str):
        super().__init__(said)
        self.said = said


def vhost_of(broker_url: str) -> str:
    """The vhost a broker URL names ('/' when none), without connecting."""
    return Connection(broker_url).virtual_host or "/"


@dataclass
class ManagementApi:
    """The management HTTP API for one vhost, as the platform's broker administrator."""

    config: Config
    vhost: str
    timeout: float = 10.0

    def _call(self, method: str, path: str, **kw):
        url = f"{self.config.rabbitmq_api}/{path}"
        try:
            answer = requests.request(method, url, timeout=self.timeout, auth=(
                self.config.rabbitmq_api_user, self.config.rabbitmq_api_password), **kw)
        except requests.RequestException:
            raise Unreachable(f"无法连接 RabbitMQ 管理接口 / cannot reach the RabbitMQ management "
                              f"API at {self.config.rabbitmq_api}") from None
        if answer.status_code in (401, 403):
            raise Unreachable(f"RabbitMQ 管理接口拒绝了账号 / the RabbitMQ management API refused "
                              f"user {self.config.rabbitmq_api_user!r}")
        answer.raise_for_status()
        return answer.json() if answer.content else None

    @property
    def _v(self) -> str:
        return quote(self.vhost, safe="")

    def queues(self) -> list[dict]:
        """Every queue of the vhost with its depths, consumers and rates."""
        return self._call("GET", f"queues/{self._v}", params={
            "columns": "name,messages,messages_ready,messages_unacknowledged,consumers,"
                       "message_stats,head_message_timestamp,policy"})

    def purge(self, queue: str) -> None:
        self._call("DELETE", f"queues/{self._v}/{quote(queue, safe='')}/contents")

    def apply_policy(self, ttl_days: int, max_length: int) -> dict:
        """Put the dead queues' retention policy (idempotent); the policy as sent."""
        body = rules.policy(ttl_days, max_length)
        self._call("PUT", f"policies/{self._v}/{rules.POLICY_NAME}", json=body)
        return body


def publisher(broker_url: str) -> ConfirmingPublisher:
    """A confirming publisher on its own connection; Unreachable at once when the broker is away."""
    conn = connection(broker_url, connect_timeout=5)
    try:
        conn.connect()
    except Exception:
        conn.release()
        raise Unreachable(f"无法连接消息队列 RabbitMQ / cannot reach the broker at "
                          f"{_safe(broker_url)}") from None
    return ConfirmingPublisher(conn)


def publish(broker_url: str, messages: list[Outgoing]) -> dict:
    """Publish with confirms; message_id → None (taken) or why not."""
    pub = publisher(broker_url)
    try:
        return pub.publish(messages)
    finally:
        pub.close()
        pub.connection.release()


def _safe(url: str) -> str:
    """The URL without its password."""
    return Connection(url).as_uri(include_password=False)
