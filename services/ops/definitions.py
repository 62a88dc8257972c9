"""RabbitMQ's definitions for the city cloud, made from the topology: every exchange, queue and
binding, one user per service allowed only its own queues, the dead queues' policy.

`microwish ops definitions` prints the file committed as deploy/rabbitmq/definitions.json (no
user in it: users and their password hashes are secrets, `microwish ops definitions --users`
prints them from MICROWISH_BROKER_PASSWORD_<USER> variables, RabbitMQ imports both files).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import re

from kombu import Queue

from services.intake.accounts import broker as system_broker
from services.ops import rules
from services.ops.config import Config
from shared.topology import (DEAD, EVENTS, INTAKE, QUEUES, REQUEUE, RETRY_TIERS, dead_queue,
                             retry_exchange, retry_queue)

VHOST = "microwish"
ADMIN = "microwish"  # ops, `systems register` and the management UI: administrator of the vhost
SCALER = "keda"  # KEDA reads queue depths over the management API, nothing else
OPS = "ops"  # the ops tool and page: reads dead queues, replays through microwish.requeue
NOTHING = system_broker.NOTHING
# A system's receipts queue, declared and bound by intake (accounts/systems.py).
RECEIPTS = r"receipts\.[a-z0-9_-]+"
HASHING = "rabbit_password_hashing_sha256"


def _any(names) -> str:
    """A regex matching exactly these names (RabbitMQ matches permissions unanchored)."""
    return "^(" + "|".join(re.escape(n) for n in sorted(names)) + ")$"


def _retry_names() -> list[str]:
    return [retry_queue(t).name for t in range(1, RETRY_TIERS + 1)]  # exchange and queue alike


def grants(service: str) -> dict[str, str]:
    """Configure/write/read for `service`'s user: what its worker's declare, consume and publish
    need (topology.declare; retries and dead letters; a DLX needs write on it, read on the queue)."""
    own = [q.name for q in QUEUES[service]]
    dead = [dead_queue(q).name for q in QUEUES[service]]
    exchanges = [EVENTS.name, INTAKE.name, DEAD.name, REQUEUE.name]
    configure = _any(exchanges + _retry_names() + own + dead)
    write = _any([EVENTS.name, DEAD.name, REQUEUE.name] + _retry_names() + own + dead)
    # Only intake binds a queue (intake.submissions) to microwish.intake.
    read = _any([x for x in exchanges if x != INTAKE.name or service == "intake"]
                + _retry_names() + own)
    if service == "intake":  # every registered system's receipts queue is intake's to declare
        configure, write = (p[:-2] + "|" + RECEIPTS + r"(\.dead)?)$" for p in (configure, write))
        read = read[:-2] + "|" + RECEIPTS + ")$"
    return {"configure": configure, "write": write, "read": read}


def ops_grants() -> dict[str, str]:
    """The ops user's: read every dead queue (absorb), publish replays, declare nothing."""
    return {"configure": NOTHING, "write": _any([REQUEUE.name]),
            "read": _any(dead_queue(q).name for qs in QUEUES.values() for q in qs)}


def _queue(q: Queue, vhost: str) -> dict:
    return {"name": q.name, "vhost": vhost, "durable": True, "auto_delete": False,
            "arguments": dict(q.queue_arguments or {})}


def _exchange(x, vhost: str) -> dict:
    return {"name": x.name, "vhost": vhost, "type": x.type, "durable": True,
            "auto_delete": False, "internal": False, "arguments": {}}


def _bindings(q: Queue, vhost: str) -> list[dict]:
    if q.bindings:
        pairs = [(b.exchange.name, b.routing_key) for b in q.bindings]
    else:
        pairs = [(q.exchange.name, q.routing_key)]
    # Sorted: a queue's routing keys may come from a set (vocab.OUTCOMES), the file must not vary.
    return [{"source": x, "vhost": vhost, "destination": q.name, "destination_type": "queue",
             "routing_key": key or "", "arguments": {}} for x, key in sorted(pairs)]


def _queues() -> list[Queue]:
    work = [q for qs in QUEUES.values() for q in qs]
    return work + [dead_queue(q) for q in work] + [retry_queue(t)
                                                   for t in range(1, RETRY_TIERS + 1)]


def definitions(vhost: str = VHOST, systems: tuple[str, ...] = ()) -> dict:
    """Everything but the users: RabbitMQ imports it after the users file (its permissions
    name them). `systems`: government systems whose grants to include, as broker.py sets them."""
    config = Config()
    exchanges = [EVENTS, INTAKE, DEAD, REQUEUE] + [retry_exchange(t)
                                                   for t in range(1, RETRY_TIERS + 1)]
    permissions = [{"user": ADMIN, "vhost": vhost, "configure": ".*", "write": ".*", "read": ".*"},
                   {"user": SCALER, "vhost": vhost, "configure": NOTHING, "write": NOTHING,
                    "read": NOTHING},
                   {"user": OPS, "vhost": vhost, **ops_grants()}]
    permissions += [{"user": s, "vhost": vhost, **grants(s)} for s in QUEUES]
    topic_permissions = []
    for app_id in systems:
        g = system_broker.grants(app_id, vhost)
        permissions.append({"user": g.user, "vhost": vhost, "configure": g.configure,
                            "write": g.write, "read": g.read})
        topic_permissions.append({"user": g.user, "vhost": vhost, "exchange": g.topic_exchange,
                                  "write": g.topic_write, "read": NOTHING})
    dead_policy = rules.policy(config.dead_ttl_days, config.dead_max_length)
    return {
        "vhosts": [{"name": vhost, "metadata": {"description": "微心愿 platform",
                                                "default_queue_type": "quorum", "tags": []}}],
        "permissions": permissions,
        "topic_permissions": topic_permissions,
        "policies": [{"vhost": vhost, "name": rules.POLICY_NAME, **dead_policy}],
        "exchanges": [_exchange(x, vhost) for x in exchanges],
        "queues": [_queue(q, vhost) for q in _queues()],
        "bindings": [b for q in _queues() for b in _bindings(q, vhost)],
    }


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's rabbit_password_hashing_sha256: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def user_names(systems: tuple[str, ...] = ()) -> list[str]:
    return [ADMIN, SCALER, OPS, *QUEUES, *systems]


def password_variable(user: str) -> str:
    return "MICROWISH_BROKER_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", user.upper())


def users(passwords: dict[str, str]) -> dict:
    """The users file (a secret): each user with its salted hash, the admin and KEDA tagged."""
    tags = {ADMIN: ["administrator"], SCALER: ["management"]}
    return {"users": [{"name": name, "password_hash": password_hash(pw),
                       "hashing_algorithm": HASHING, "tags": tags.get(name, [])}
                      for name, pw in passwords.items()]}


def users_from_env(env: dict[str, str], systems: tuple[str, ...] = ()) -> dict:
    """The users file from MICROWISH_BROKER_PASSWORD_<USER>; a missing one is an error."""
    missing = [password_variable(u) for u in user_names(systems) if not env.get(password_variable(u))]
    if missing:
        raise ValueError("set " + ", ".join(missing))
    return users({u: env[password_variable(u)] for u in user_names(systems)})


def render(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    from services.ops.cli import definitions_command
    definitions_command(prog_name="python -m services.ops.definitions")
