"""Test helpers: wait for a condition, capture what reaches the bus, read answers and rows."""
from __future__ import annotations

import json
import os
import re
import socket
import time
import uuid

from kombu import Connection, Consumer, Queue
from sqlalchemy import select

from shared import topology

# The real PostgreSQL every database test uses (a schema of its own each).
PG_URL = os.environ.get("MICROWISH_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
CJK = re.compile(r"[\u4e00-\u9fff]")  # a Chinese character: every message a person reads has one


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Capture:
    """A private queue bound to an exchange; `take(n)` waits for n messages to arrive on it."""

    def __init__(self, broker_url: str, routing_key: str = "#", exchange=topology.EVENTS,
                 queue_name: str | None = None):
        self.conn = Connection(broker_url)
        channel = self.conn.channel()
        for ex in (topology.EVENTS, topology.INTAKE, topology.DEAD):
            ex(channel).declare()
        if queue_name is None:  # a fresh private queue
            self.queue = Queue(f"capture-{uuid.uuid4().hex[:8]}", exchange, routing_key=routing_key,
                               exclusive=True, auto_delete=True)
        else:  # an existing queue, such as a dead queue
            self.queue = Queue(queue_name, no_declare=True)
        self.received: list = []
        self.consumer = Consumer(channel, [self.queue], on_message=self._on_message,
                                 no_ack=True)
        self.consumer.consume()

    def _on_message(self, message) -> None:
        self.received.append(message)

    def take(self, n: int, timeout: float = 20.0) -> list:
        """Wait until at least n messages have arrived; return them."""
        deadline = time.monotonic() + timeout
        while len(self.received) < n:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"expected {n} messages, got {len(self.received)}")
            try:
                self.conn.drain_events(timeout=min(remaining, 0.5))
            except TimeoutError:
                pass
        return self.received

    def settle(self, quiet: float = 0.5) -> list:
        """Drain until nothing more arrives for `quiet` seconds; return everything received."""
        while True:
            try:
                self.conn.drain_events(timeout=quiet)
            except TimeoutError:
                return self.received

    def bodies(self) -> list[dict]:
        return [json.loads(m.body) for m in self.received]

    def close(self) -> None:
        self.conn.release()


def principal(role: str, id: str | None = None, communities=(), unit: str | None = None,
              org: str | None = None, app_id: str | None = None, name: str = "测试"):
    """A caller of the given role and scope (services trust the signed token, not a database)."""
    from shared.tokens import Principal

    return Principal(id=id or f"{role}-{uuid.uuid4().hex[:8]}", role=role, name=name,
                     communities=tuple(communities), unit=unit, org=org, app_id=app_id)


def bearer(settings, who=None, **kwargs) -> dict:
    """Authorization headers carrying a fresh access token for `who` (or principal(**kwargs))."""
    from services.intake.config import Config
    from shared.tokens import Tokens

    who = who or principal(**kwargs)
    token, _ = Tokens(settings.token_keys).issue(who, Config.access_ttl_seconds, "access")
    return {"Authorization": f"Bearer {token}"}


def publish_event(broker_url: str, env) -> None:
    """Put an event envelope on `microwish.events`, as another service's relay would."""
    from kombu import Producer

    with Connection(broker_url) as conn:
        Producer(conn.default_channel).publish(
            json.dumps(env.body(), ensure_ascii=False), exchange=topology.EVENTS,
            routing_key=env.key, message_id=env.message_id, type=env.type, delivery_mode=2,
            content_type="application/json", retry=False)


# What a wisher tells us that every eligibility rule accepts at any age (残疾人 has no age limit).
ELIGIBLE = {"target_groups": ["disabled"], "household_size": 1, "household_monthly_income": 900}


def person_id(n: int, born: str = "19490101") -> str:
    """A valid ID number for the n-th made-up person (one wish per person per round)."""
    from shared.idnumber import check_char
    first17 = f"411602{int(born) + n // 1000}{n % 1000:03d}"
    return first17 + check_char(first17)


def api_error(resp, status: int, code: str) -> dict:
    """Assert an error answer's status, code and Chinese message; return its error object."""
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.is_json
    error = resp.get_json()["error"]
    assert error["code"] == code
    assert CJK.search(error["message"])
    return error


def add(db, *rows) -> None:
    """Store rows in one unit of work, as if the service had."""
    with db.uow() as uow:
        uow.session.add_all(rows)
        uow.commit()


def csrf_token(html: str) -> str:
    """The CSRF token a page's form carries."""
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def emitted(db, type_: str, wish_id: str | None = None) -> list[dict]:
    """The payloads of the `type_` events in db's outbox, oldest first (one wish's, if given)."""
    outbox = db.outbox
    query = select(outbox.c.body).where(outbox.c.type == type_).order_by(outbox.c.id)
    if wish_id is not None:
        query = query.where(outbox.c.correlation_id == wish_id)
    with db.engine.connect() as conn:
        return [json.loads(body)["payload"] for body in conn.scalars(query)]


def audited(db, wish_id: str) -> list[str]:
    """The actions db's service audited about one wish, oldest first."""
    return [e["action"] for e in emitted(db, "audit.recorded", wish_id)]


def reread(db, model, key):
    """A row read afresh in a unit of work of its own, and detached from it."""
    with db.uow() as unit:
        row = unit.session.get(model, key)
        unit.session.expunge(row)
        return row


class Clock:
    """A clock that moves only when told: `clock()` is the time, `advance(s)` moves it on."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def all_at_once(count: int, act) -> list:
    """`act(n)` for n in range(count), each in its own thread, released together by a barrier;
    what each returned, in the order they finished."""
    import threading

    barrier, answers = threading.Barrier(count), []

    def run(n: int) -> None:
        ready = act(n)  # a setup step (a client, a token) may come before the barrier
        barrier.wait()
        answers.append(ready())

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return answers
