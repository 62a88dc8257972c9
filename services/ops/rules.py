"""Pure decisions of the ops tool: queue rows, dead letters by reason, the replay limit, the dead
queues' policy, and what of a message may be shown (personal fields masked, sealed ones sealed)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shared.pii import mask_address, mask_name, mask_phone, mask_typed
from shared.topology import QUEUES

DEAD_SUFFIX = ".dead"
POLICY_NAME = "microwish-dead"
# Keys whose value is a person's: shown masked; an ID number not even masked.
_HIDDEN = ("id_number", "idnumber", "id_card")
_PHONES = ("phone", "mobile", "tel")
_ADDRESSES = ("address",)
_NAMES = ("name", "contact", "wisher_name", "real_name")
SEALED = "«已加密 sealed»"
HIDDEN = "«已隐去 hidden»"


@dataclass(frozen=True)
class QueueRow:
    """One work queue as the table shows it, with its dead queue's depth beside it."""

    name: str
    service: str
    ready: int
    unacked: int
    consumers: int
    publish_rate: float
    deliver_rate: float
    oldest_seconds: float | None  # None: the broker does not say (quorum queues do not)
    dead: int


@dataclass(frozen=True)
class DeadGroup:
    queue: str
    reason: str
    count: int
    first_seen: datetime
    last_seen: datetime


def owner(queue_name: str) -> str | None:
    """The service that consumes `queue_name` (a dead queue belongs to its work queue's)."""
    base = queue_name.removesuffix(DEAD_SUFFIX)
    return next((s for s, qs in QUEUES.items() if any(q.name == base for q in qs)), None)


def _rate(stats: dict, key: str) -> float:
    return float(((stats or {}).get(f"{key}_details") or {}).get("rate") or 0.0)


def queue_rows(api_queues: list[dict], now: datetime,
               dead_oldest: dict[str, datetime] | None = None) -> list[QueueRow]:
    """The management API's queues as rows: every work queue, its dead queue folded in.

    Oldest age: the head message's timestamp when the broker reports one (classic queues with
    timestamped messages); never a peek, which on a quorum queue counts as a delivery."""
    by_name = {q["name"]: q for q in api_queues}
    rows = []
    for q in sorted(api_queues, key=lambda q: q["name"]):
        name = q["name"]
        if name.endswith(DEAD_SUFFIX) or name.startswith("microwish.retry."):
            continue
        dead = by_name.get(name + DEAD_SUFFIX, {})
        head = q.get("head_message_timestamp")
        oldest = now.timestamp() - head if head else None
        rows.append(QueueRow(name, owner(name) or "-", int(q.get("messages_ready") or 0),
                             int(q.get("messages_unacknowledged") or 0),
                             int(q.get("consumers") or 0),
                             _rate(q.get("message_stats"), "publish"),
                             _rate(q.get("message_stats"), "deliver_get"), oldest,
                             int(dead.get("messages") or 0)))
    return rows


def group(copies: list[dict]) -> list[DeadGroup]:
    """Dead letters by (queue, reason), counted, with when each group was first and last seen."""
    groups: dict[tuple[str, str], list[dict]] = {}
    for c in copies:
        groups.setdefault((c["queue"], c["reason"]), []).append(c)
    return [DeadGroup(queue, reason, len(items), min(i["first_seen"] for i in items),
                      max(i["last_seen"] for i in items))
            for (queue, reason), items in sorted(groups.items())]


def reason_of(headers: dict) -> str:
    """Our own reason, else the broker's (a message the delivery limit dead-lettered)."""
    return str(headers.get("x-reason") or headers.get("x-first-death-reason") or "unknown")


def replay_refusal(replays: int, limit: int) -> str | None:
    """Why a message may not be replayed again, or None."""
    if replays >= limit:
        return f"replayed {replays} times already (limit {limit}): fix the cause, then purge"
    return None


def policy(ttl_days: int, max_length: int) -> dict:
    """The dead queues' policy: nothing kept past `ttl_days`, at most `max_length` a queue."""
    return {"pattern": r"\.dead$", "apply-to": "queues", "priority": 10,
            "definition": {"message-ttl": ttl_days * 86_400_000, "max-length": max_length,
                           "overflow": "drop-head"}}


def masked(value, key: str = ""):
    """`value` fit for an engineer's screen: personal fields masked, sealed ones left sealed,
    ID and phone numbers typed anywhere in free text masked too."""
    lowered = key.lower()
    if isinstance(value, dict):
        return {k: masked(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v, key) for v in value]
    if not isinstance(value, str):
        return value
    if lowered.endswith("_sealed") or lowered == "sealed":
        return SEALED
    if any(word in lowered for word in _HIDDEN):
        return HIDDEN
    if lowered in ("data", "content") and len(value) > 200:  # a photo's bytes
        return f"«{len(value)} 字符 chars»"
    if any(word in lowered for word in _PHONES):
        return mask_phone(value)
    if any(word in lowered for word in _ADDRESSES):
        return mask_address(value)
    if lowered in _NAMES:
        return mask_name(value)
    return mask_typed(value)


def age(seconds: float | None) -> str:
    """1d2h, 3h4m, 5m, 12s, or - when unknown."""
    if seconds is None:
        return "-"
    s = int(max(0, seconds))
    for unit, size, sub, subsize in (("d", 86400, "h", 3600), ("h", 3600, "m", 60)):
        if s >= size:
            return f"{s // size}{unit}{(s % size) // subsize}{sub}"
    return f"{s // 60}m" if s >= 60 else f"{s}s"


def table(headings: list[str], rows: list[list]) -> str:
    """A plain text table, columns as wide as their widest cell."""
    cells = [headings] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headings))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells)
