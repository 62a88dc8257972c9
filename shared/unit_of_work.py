"""A unit of work: one transaction holding the state change, its outgoing events and its inbox mark."""
from __future__ import annotations

import json

from sqlalchemy import delete, insert, select

from shared import logs
from shared.envelope import Envelope, make_event, utcnow
from shared.sql import insert_for


class UnitOfWork:
    """Open a session; `emit` events and `commit` writes them to the outbox in the same commit."""

    def __init__(self, db):
        self.db = db
        self.session = None
        # Written together at commit: one statement each, however many messages a batch applied.
        self._events: list[dict] = []
        self._marks: list[dict] = []
        self._delivered: set[tuple[str, str]] | None = None  # a batch's inbox keys, once looked up
        # What a batch's prefetch loaded, by (kind, key); None outside a batch applied at once.
        self.cache: dict | None = None

    def __enter__(self) -> "UnitOfWork":
        self.session = self.db.session()
        return self

    def __exit__(self, *exc) -> None:
        self.session.rollback()
        self.session.close()

    def emit(self, type_: str, payload: dict, correlation_id: str | None = None,
             routing_key: str = "") -> Envelope:
        """Queue an event for the outbox; it leaves only if this unit of work commits."""
        env = make_event(type_, payload, self.db.service, correlation_id, routing_key)
        logs.note_correlation(env.correlation_id)  # the request's log lines name its wish
        self._events.append(dict(
            message_id=env.message_id, type=env.type, routing_key=env.key,
            correlation_id=env.correlation_id, body=json.dumps(env.body(), ensure_ascii=False),
            created_at=env.occurred_at, next_attempt_at=env.occurred_at, attempts=0))
        return env

    def expect(self, consumer: str, keys: list[str]) -> None:
        """Look a batch's inbox keys up in one query; `first_delivery` then answers from memory
        and its marks are written at commit (a concurrent consumer's mark fails that commit)."""
        inbox = self.db.inbox
        found = self.session.scalars(select(inbox.c.message_id).where(
            inbox.c.consumer == consumer, inbox.c.message_id.in_(keys)))
        self._delivered = {(consumer, key) for key in found}

    def lookup(self, kind: str, key, load):
        """`load()`, unless the batch's prefetch (or an earlier message) already found `key`."""
        if self.cache is None:
            return load()
        if (kind, key) not in self.cache:
            self.cache[kind, key] = load()
        return self.cache[kind, key]

    def remember(self, kind: str, key, value) -> None:
        """What a later `lookup` of `key` in this batch must see (a row this batch added)."""
        if self.cache is not None:
            self.cache[kind, key] = value

    def preload(self, kind: str, keys, found: dict) -> None:
        """Remember each key's row in `found`, None for those it lacks: what a prefetch's one
        query found, so that no later `lookup` of those keys asks again."""
        for key in keys:
            self.remember(kind, key, found.get(key))

    def mark(self) -> tuple[int, int]:
        """Where the pending events and inbox marks stand (for a savepoint)."""
        return len(self._events), len(self._marks)

    def roll_back_to(self, mark: tuple[int, int]) -> None:
        """Forget the events and inbox marks added since `mark`, as their savepoint rolled back."""
        events, marks = mark
        for row in self._marks[marks:]:
            self._delivered.discard((row["consumer"], row["message_id"]))
        del self._events[events:], self._marks[marks:]

    def first_delivery(self, consumer: str, message_id: str) -> bool:
        """Mark a message as applied by `consumer`; False when it already was (a duplicate)."""
        if self._delivered is not None:
            if (consumer, message_id) in self._delivered:
                return False
            self._delivered.add((consumer, message_id))
            self._marks.append(dict(consumer=consumer, message_id=message_id,
                                    processed_at=utcnow()))
            return True
        stmt = insert_for(self.session.bind.dialect.name)(self.db.inbox).values(
            consumer=consumer, message_id=message_id, processed_at=utcnow()
        ).on_conflict_do_nothing().returning(self.db.inbox.c.message_id)
        # RETURNING, not rowcount: drivers report -1 for some inserts.
        return self.session.execute(stmt).first() is not None

    def forget_sent(self, correlation_id: str) -> None:
        """Delete the already-published outbox copies about one wish (retention erases them too)."""
        outbox = self.db.outbox
        self.session.execute(delete(outbox).where(outbox.c.correlation_id == correlation_id,
                                                  outbox.c.sent_at.is_not(None)))

    def commit(self) -> None:
        if self._marks:
            self.session.execute(insert(self.db.inbox), self._marks)
        if self._events:
            self.session.execute(insert(self.db.outbox), self._events)
        self._events, self._marks = [], []
        self.session.commit()
