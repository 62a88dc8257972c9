"""The bus topology, declared in one place: exchanges, every service's queues and their dead queues."""
from __future__ import annotations

from kombu import Connection, Exchange, Queue, binding

from shared.vocab import OUTCOMES

EVENTS = Exchange("microwish.events", "topic", durable=True)
INTAKE = Exchange("microwish.intake", "direct", durable=True)
DEAD = Exchange("microwish.dead", "direct", durable=True)
# A retried message waits in a tier's queue until it expires, then comes back through REQUEUE to
# the one queue named by its routing key.
REQUEUE = Exchange("microwish.requeue", "direct", durable=True)

# How many times the broker hands a message out before it dead-letters it: the safety net for a
# consumer that keeps dying on one message (a failure it survives is counted by RETRY_TIERS).
DELIVERY_LIMIT = 5
# A message that fails transiently waits in tier 1, then 2, …; past the last it is dead.
RETRY_TIERS = 5


def quorum_queue(name: str, exchange: Exchange, routing_keys: list[str]) -> Queue:
    """A durable quorum queue that dead-letters, at least once, to `<name>.dead`."""
    return Queue(
        name,
        bindings=[binding(exchange, routing_key=key) for key in routing_keys]
        + [binding(REQUEUE, routing_key=name)],
        durable=True,
        queue_arguments={
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": DEAD.name,
            "x-dead-letter-routing-key": name,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
            "x-delivery-limit": DELIVERY_LIMIT,
        },
    )


def dead_queue(queue: Queue) -> Queue:
    """Where `queue`'s failures are kept, with their reasons in headers."""
    return Queue(f"{queue.name}.dead", DEAD, routing_key=queue.name, durable=True,
                 queue_arguments={"x-queue-type": "quorum"})


def retry_exchange(tier: int) -> Exchange:
    """Where a message that failed for the `tier`-th time is published (any routing key)."""
    return Exchange(f"microwish.retry.{tier}", "fanout", durable=True)


def retry_queue(tier: int) -> Queue:
    """Holds tier `tier`'s messages until their own expiration, then hands them to REQUEUE."""
    # One tier per attempt: every message in it waits as long, so none waits behind a longer one.
    return Queue(f"microwish.retry.{tier}", retry_exchange(tier), durable=True, queue_arguments={
        "x-queue-type": "quorum", "x-dead-letter-exchange": REQUEUE.name,
        "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"})


SUBMISSIONS = quorum_queue("intake.submissions", INTAKE, ["submission"])
QUEUES: dict[str, list[Queue]] = {
    "intake": [
        SUBMISSIONS,
        quorum_queue("intake.wish-outcomes", EVENTS, list(OUTCOMES)),
        quorum_queue("intake.audit", EVENTS, ["audit.recorded"]),
    ],
    "verification": [
        quorum_queue("verification.wish-submitted", EVENTS, ["wish.submitted"]),
        quorum_queue("verification.wish-erased", EVENTS, ["wish.erased"]),
    ],
    "matching": [
        quorum_queue("matching.wish-verified", EVENTS, ["wish.verified"]),
        quorum_queue("matching.wish-erased", EVENTS, ["wish.erased"]),
        quorum_queue("matching.members", EVENTS, ["member.*"]),
        quorum_queue("matching.communities", EVENTS, ["community.*"]),
        quorum_queue("matching.points", EVENTS, ["points.awarded"]),
        quorum_queue("matching.honours", EVENTS, ["honour.granted", "honour.revoked"]),
    ],
    "scoring": [quorum_queue("scoring.wish-confirmed", EVENTS, ["wish.confirmed"]),
                quorum_queue("scoring.members", EVENTS, ["member.*"]),
                quorum_queue("scoring.communities", EVENTS, ["community.*"]),
                # every step of a wish's life the programme's figures count (stats.facts.EVENTS)
                quorum_queue("scoring.wish-facts", EVENTS, [
                    "wish.submitted", "wish.verified", "wish.rejected", "wish.published",
                    "wish.erased", "wish.claimed", "wish.reinstated", "wish.disputed",
                    "wish.fulfilled", "wish.confirmed", "wish.released"])],
}


def receipts_queue(app_id: str) -> Queue:
    """A registered system's receipts and outcomes (`submission.*.<app_id>`), declared for it."""
    return quorum_queue(f"receipts.{app_id}", EVENTS, [f"submission.*.{app_id}"])


def binds(queue: Queue, exchange: Exchange, routing_key: str) -> bool:
    """Whether the broker would route `routing_key` on `exchange` to `queue` (topic or direct)."""
    return any(b.exchange.name == exchange.name
               and _matches(b.routing_key.split("."), routing_key.split("."))
               for b in queue.bindings)


def _matches(words: list[str], parts: list[str]) -> bool:
    """AMQP topic matching: `*` is one word, `#` zero or more."""
    if not words:
        return not parts
    head, rest = words[0], words[1:]
    if head == "#":
        return any(_matches(rest, parts[i:]) for i in range(len(parts) + 1))
    return bool(parts) and head in ("*", parts[0]) and _matches(rest, parts[1:])


def queue(name: str) -> Queue:
    """Look a declared queue up by name."""
    return next(q for qs in QUEUES.values() for q in qs if q.name == name)


def declare(connection: Connection, services=tuple(QUEUES)) -> None:
    """Declare the exchanges, the services' queues and their dead queues (idempotent)."""
    channel = connection.default_channel
    for exchange in (EVENTS, INTAKE, DEAD, REQUEUE):
        exchange(channel).declare()
    for tier in range(1, RETRY_TIERS + 1):
        retry_queue(tier)(channel).declare()
    for service in services:
        for q in QUEUES[service]:
            declare_queue(connection, q)


def declare_queue(connection: Connection, q: Queue) -> None:
    """One queue, its bindings and its dead queue (the exchanges must exist)."""
    channel = connection.default_channel
    q(channel).declare()
    dead_queue(q)(channel).declare()
