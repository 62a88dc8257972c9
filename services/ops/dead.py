"""Dead letters: our sealed copies in each service's `dead_letter`, listed, shown masked, replayed
to the queue they failed on (counting our own replays) and purged — each change audited."""
from __future__ import annotations

import json
from dataclasses import dataclass

from kombu import Connection
from sqlalchemy import delete, select, update

from services.ops import rules
from services.ops.broker import Unreachable, publish
from shared import audit
from shared.broker import connection
from shared.dead_letters import REPLAYS, TRIP_HEADERS, body_bytes, keep
from shared.envelope import utcnow
from shared.pii import Sealer
from shared.publisher import Outgoing
from shared.retries import ATTEMPTS, SENDER
from shared.topology import REQUEUE, dead_queue, queue as declared_queue

_CLEAR = ("id", "queue", "message_id", "type", "app_id", "reason", "deaths", "replays",
          "first_seen", "last_seen", "replayed_at", "replayed_by")


@dataclass(frozen=True)
class Replayed:
    """What became of one dead letter a replay looked at."""

    id: str
    message_id: str
    outcome: str  # replayed, would replay, refused: …, not taken: …


def _table(db):
    return db.metadata.tables["dead_letter"]


def copy_id(service: str, row_id: int) -> str:
    return f"{service}-{row_id}"


def _split(copy: str) -> tuple[str, int]:
    service, _, number = copy.rpartition("-")
    if not service or not number.isdigit():
        raise ValueError("ID looks like matching-12 (as `ops dead list --each` shows it)")
    return service, int(number)


def copies(dbs: dict, queue: str | None = None, reason: str | None = None,
           replayed: bool = False) -> list[dict]:
    """The copies (clear columns only) still dead, or also those replayed, oldest first."""
    found = []
    for service, db in dbs.items():
        if queue and rules.owner(queue) != service:
            continue
        t = _table(db)
        query = select(*[t.c[name] for name in _CLEAR]).order_by(t.c.first_seen, t.c.id)
        if queue:
            query = query.where(t.c.queue == queue)
        if reason:
            query = query.where(t.c.reason == reason)
        if not replayed:
            query = query.where(t.c.replayed_at.is_(None))
        with db.engine.connect() as conn:
            found += [{**row._mapping, "id": copy_id(service, row.id), "service": service}
                      for row in conn.execute(query)]
    return found


def show(dbs: dict, sealer: Sealer, copy: str) -> dict | None:
    """One copy opened for an engineer: headers and body masked, sealed fields left sealed."""
    service, row_id = _split(copy)
    if service not in dbs:
        return None
    t = _table(dbs[service])
    with dbs[service].engine.connect() as conn:
        row = conn.execute(select(t).where(t.c.id == row_id)).first()
    if row is None:
        return None
    opened = sealer.open(row.sealed)
    try:
        body = rules.masked(json.loads(opened["body"])) if opened["encoding"] == "utf-8" else (
            f"«{len(opened['body'])} base64 chars»")
    except json.JSONDecodeError:
        body = rules.masked(opened["body"][:2000], "text")
    props = dict(opened["properties"])
    return {**{k: row._mapping[k] for k in _CLEAR}, "id": copy, "service": service,
            "headers": rules.masked(opened["headers"]), "properties": rules.masked(props),
            "body": body}


def absorb(dbs: dict, broker_url: str, queue: str) -> int:
    """Take everything in `<queue>.dead` into our copies (those the broker dead-lettered by
    itself too), acking each only once its copy is committed; how many were taken."""
    service = rules.owner(queue)
    if service is None or service not in dbs:
        raise ValueError(f"{queue} is none of our services' queues")
    taken = []
    try:
        with connection(broker_url, connect_timeout=5) as conn:
            conn.connect()
            channel = conn.channel()
            bound = dead_queue(declared_queue(queue))(channel)
            while (message := bound.get(no_ack=False, accept=None)) is not None:
                taken.append(message)
            if taken:
                keep(dbs[service], queue, [(m, rules.reason_of(m.headers or {})) for m in taken],
                     absorbed=True)
                taken[-1].ack(multiple=True)
            channel.close()
    except (OSError, ConnectionError) as exc:
        raise Unreachable(f"无法连接消息队列 RabbitMQ / cannot reach the broker ({exc})") from None
    return len(taken)


def replay(dbs: dict, sealer: Sealer, broker_url: str, queue: str, who, limit_replays: int,
           reason: str | None = None, limit: int | None = None,
           dry_run: bool = False) -> list[Replayed]:
    """Send dead letters back to `queue`, each carrying its replay count; refuse those replayed
    `limit_replays` times; mark and audit the ones the broker took."""
    if not dry_run:
        absorb(dbs, broker_url, queue)
    chosen = copies(dbs, queue, reason)[:limit]
    service = rules.owner(queue)
    own_user = Connection(broker_url).userid
    results, outgoing = [], {}
    for c in chosen:
        refusal = rules.replay_refusal(c["replays"], limit_replays)
        if refusal:
            results.append(Replayed(c["id"], c["message_id"], f"refused: {refusal}"))
        elif dry_run:
            results.append(Replayed(c["id"], c["message_id"], "would replay"))
        else:
            outgoing[c["id"]] = _outgoing(sealer, dbs[service], c, own_user)
    if not outgoing:
        return results
    answers = publish(broker_url, list(outgoing.values()))
    done = []
    for copy, message in outgoing.items():
        problem = answers.get(message.message_id)
        results.append(Replayed(copy, message.message_id,
                                f"not taken: {problem}" if problem else "replayed"))
        if not problem:
            done.append(_split(copy)[1])
    if done:
        _mark_replayed(dbs[service], done, who, queue, reason)
    return results


def _outgoing(sealer: Sealer, db, c: dict, own_user: str | None) -> Outgoing:
    """The message as it first arrived, addressed to its queue alone, one replay more."""
    t = _table(db)
    with db.engine.connect() as conn:
        opened = sealer.open(conn.scalar(select(t.c.sealed).where(t.c.id == _split(c["id"])[1])))
    props = opened["properties"]
    headers = {k: v for k, v in opened["headers"].items() if k not in TRIP_HEADERS}
    headers[REPLAYS] = c["replays"] + 1
    sender = headers.get(SENDER) or props.get("user_id")
    if sender:
        # Only our own user may say who sent it; the consumer then reads it as `sender`'s.
        headers[SENDER], headers[ATTEMPTS] = sender, 0
    return Outgoing(message_id=props.get("message_id") or c["message_id"], exchange=REQUEUE,
                    routing_key=c["queue"], body=body_bytes(opened), type=props.get("type") or "",
                    correlation_id=props.get("correlation_id"), headers=headers,
                    app_id=props.get("app_id") or "unknown",
                    content_type=props.get("content_type") or "application/octet-stream",
                    content_encoding=props.get("content_encoding") or "binary",
                    user_id=own_user if sender else None)


def _mark_replayed(db, row_ids: list[int], who, queue: str, reason: str | None) -> None:
    t = _table(db)
    with db.uow() as uow:
        ids = list(uow.session.scalars(select(t.c.message_id).where(t.c.id.in_(row_ids))))
        uow.session.execute(update(t).where(t.c.id.in_(row_ids)).values(
            replayed_at=utcnow(), replayed_by=who.id[:100], replays=t.c.replays + 1))
        audit.record(uow, who, "dead_letters.replayed", "queue", queue, detail={
            "reason": reason, "count": len(ids), "message_ids": ids[:200]})
        uow.commit()


def purge(dbs: dict, api, queue: str, who) -> int:
    """Empty `<queue>.dead` on the broker and drop our copies of it; how many copies went."""
    service = rules.owner(queue)
    if service is None or service not in dbs:
        raise ValueError(f"{queue} is none of our services' queues")
    api.purge(queue + rules.DEAD_SUFFIX)
    db = dbs[service]
    t = _table(db)
    with db.uow() as uow:
        gone = uow.session.execute(delete(t).where(t.c.queue == queue)).rowcount or 0
        audit.record(uow, who, "dead_letters.purged", "queue", queue, detail={"count": gone})
        uow.commit()
    return gone
