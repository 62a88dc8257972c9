"""Apply a batch of one queue's messages in one transaction, each in its own savepoint: one commit
for the lot, and a message that fails takes only itself out."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from shared import logs, metrics
from shared.errors import DomainError, Poison
from shared.failures import Unavailable, describe, is_invalid_data, is_unavailable

log = logging.getLogger(__name__)

INVALID_DATA = [{"field": "_message", "code": "invalid_data",
                 "message": "消息含有无法保存的数据（如控制字符或超长的值）"}]


@dataclass
class Outcome:
    """What became of one message: applied (or a duplicate), poison, or a transient failure."""

    message: Any
    poison: Poison | None = None
    error: str | None = None  # a transient failure, described without the message's values
    duplicate: bool = False  # in the inbox already: acknowledged and skipped

    @property
    def applied(self) -> bool:
        return self.poison is None and self.error is None


def as_poison(exc: Poison | DomainError) -> Poison:
    """A domain rule's refusal is poison, as retrying cannot change it."""
    return exc if isinstance(exc, Poison) else Poison(str(exc), exc.fields)


def resent(message) -> bool:
    """The sender published it again; the broker handing back an unacked copy does not count."""
    return not (message.delivery_info or {}).get("redelivered", False)


def apply_batch(db, handler, consumer: str, messages: list) -> list[Outcome]:
    """Apply `messages` with `handler` as `consumer` (its inbox name); raise Unavailable when the
    database is down, so the caller keeps the whole batch for later.

    Three passes, each only when the one before failed: the whole batch with no savepoint (its
    reads prefetched, its writes flushed once at commit); each message in its own savepoint;
    each message in its own transaction."""
    outcomes = _apply_batch(db, handler, consumer, messages)
    _count(db.service, handler.queue.name, outcomes)
    return outcomes


def _count(service: str, queue: str, outcomes: list[Outcome]) -> None:
    """Count what was committed: applied, or skipped as a duplicate (failures count where they
    are sent on: a retry tier or the dead queue)."""
    duplicates = sum(o.duplicate for o in outcomes if o.applied)
    applied = sum(o.applied for o in outcomes) - duplicates
    if applied:
        metrics.APPLIED.labels(service, queue).inc(applied)
    if duplicates:
        metrics.DUPLICATES.labels(service, queue).inc(duplicates)


def _apply_batch(db, handler, consumer: str, messages: list) -> list[Outcome]:
    outcomes = [Outcome(m) for m in messages]
    decoded = []
    for outcome in outcomes:
        try:
            decoded.append((outcome, handler.decode(outcome.message)))
        except (Poison, DomainError) as refused:
            outcome.poison = as_poison(refused)
    # SQLite's driver cannot be trusted with savepoints: one transaction per message there.
    if len(decoded) > 1 and db.engine.dialect.name == "postgresql":
        for savepoints in (False, True):
            try:
                _commit(db, handler, consumer, decoded, savepoints=savepoints)
                return outcomes
            except Unavailable:
                raise
            except Exception as exc:  # one message or the commit failed: retry more carefully
                log.log(logging.WARNING if savepoints else logging.DEBUG,
                        "batch on %s failed (%s); applying it %s", consumer, describe(exc),
                        "one by one" if savepoints else "in savepoints")
                for outcome, _item in decoded:
                    outcome.poison = outcome.error = None
                    outcome.duplicate = False
    for outcome, item in decoded:
        try:
            _commit(db, handler, consumer, [(outcome, item)], savepoints=False)
        except Unavailable:
            raise
        except Exception as exc:
            _fail(outcome, exc)
    return outcomes


def _commit(db, handler, consumer, pairs, savepoints: bool) -> None:
    """Apply `pairs` in one unit of work and commit it, each in a savepoint when `savepoints`;
    a batch without savepoints fails as a whole at its first failure."""
    try:
        with db.uow() as uow:
            if len(pairs) > 1:
                uow.expect(consumer, [handler.key(o.message, item) for o, item in pairs])
            if len(pairs) > 1 and not savepoints and handler.prefetch is not None:
                # Only here: a savepoint rolled back could leave the cache holding its rows.
                uow.cache = {}
                handler.prefetch(uow, [item for _o, item in pairs])
            for outcome, item in pairs:
                if savepoints:
                    _apply_in_savepoint(uow, handler, consumer, outcome, item)
                else:
                    outcome.duplicate = _apply(uow, handler, consumer, outcome.message, item)
            uow.commit()
    except Exception as exc:
        _raise_if_unavailable(exc)
        raise


def _apply_in_savepoint(uow, handler, consumer, outcome: Outcome, item) -> None:
    savepoint, mark = uow.session.begin_nested(), uow.mark()
    try:
        outcome.duplicate = _apply(uow, handler, consumer, outcome.message, item)
        uow.session.flush()
    except Exception as exc:
        _raise_if_unavailable(exc)
        savepoint.rollback()
        uow.roll_back_to(mark)
        _fail(outcome, exc)
    else:
        savepoint.commit()


def _raise_if_unavailable(exc: Exception) -> None:
    """The database went away: nothing in the batch can be applied, whatever the message."""
    if isinstance(exc, Unavailable):
        raise exc
    if is_unavailable(exc):
        raise Unavailable(describe(exc)) from exc


def _fail(outcome: Outcome, exc: Exception) -> None:
    """Sort a failure: refused by a rule or by the database's checks is poison, else transient."""
    if isinstance(exc, (Poison, DomainError)):
        outcome.poison = as_poison(exc)
    elif is_invalid_data(exc):
        outcome.poison = Poison(f"invalid data: {describe(exc)}", INVALID_DATA)
    else:
        outcome.error = describe(exc)
        log.warning("transient failure of %s: %s", _message_id(outcome.message), outcome.error)


def _apply(uow, handler, consumer: str, message, item) -> bool:
    """Apply one message unless the inbox has it; True when it was a duplicate."""
    props = _properties(message)
    with logs.bound(queue=handler.queue.name, message_id=props.get("message_id"),
                    correlation_id=props.get("correlation_id")):
        if uow.first_delivery(consumer, handler.key(message, item)):
            started = time.perf_counter()
            handler.apply(uow, item)
            metrics.HANDLER_SECONDS.labels(uow.db.service, handler.queue.name).observe(
                time.perf_counter() - started)
            return False
        log.info("duplicate %s skipped by %s", _message_id(message), consumer)
        if handler.on_resend is not None and resent(message):
            handler.on_resend(uow, item)
        return True


def _properties(message) -> dict:
    """A broker message's AMQP properties (an envelope handed over in process has none)."""
    return getattr(message, "properties", None) or {}


def _message_id(message) -> str:
    return _properties(message).get("message_id") or "?"


def answer_poison(db, handler, consumer: str, outcome: Outcome) -> bool:
    """Run the handler's on_poison once per message (e.g. a rejected receipt); False on failure."""
    if handler.on_poison is None:
        return True
    message = outcome.message
    props = message.properties
    try:
        with db.uow() as uow:
            key = f"poison:{props.get('app_id')}:{props.get('message_id')}"
            if uow.first_delivery(consumer, key) or resent(message):
                handler.on_poison(uow, message, outcome.poison)
            uow.commit()
        return True
    except Exception:
        log.exception("answering poison %s failed; it will come back", props.get("message_id"))
        return False
