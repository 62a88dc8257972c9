"""The all-in-one's local bus: a row is sent once every local consumer bound to it has it."""
from __future__ import annotations

from sqlalchemy import func, select

from shared import topology
from shared.consumer import Handler
from shared.errors import Poison
from shared.local_bus import LocalBus


def _emit(db, type_: str, payload: dict) -> None:
    with db.uow() as uow:
        uow.emit(type_, payload)
        uow.commit()


def _rows(db) -> list:
    with db.engine.connect() as conn:
        return conn.execute(select(db.outbox).order_by(db.outbox.c.id)).all()


def _count(db, table) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _bus(make_db, apply) -> tuple[LocalBus, object, object]:
    matching, scoring = make_db("matching"), make_db("scoring")
    handler = Handler(topology.queue("scoring.wish-confirmed"), apply)
    bus = LocalBus({"matching": matching, "scoring": scoring}, {"scoring": [handler]})
    return bus, matching, scoring


def _award(uow, env) -> None:
    deed = env.payload
    uow.emit("points.awarded", {"member_id": deed.member_id, "claim_id": deed.claim_id,
                                "wish_id": deed.wish_id, "points": 1, "total": 1})


def test_a_row_is_applied_once_then_sent_and_an_unbound_one_just_sent(make_db):
    bus, matching, scoring = _bus(make_db, _award)
    _emit(matching, "wish.confirmed", {"wish_id": "w1", "claim_id": "c1", "member_id": "m1"})
    _emit(matching, "wish.claimed", {"wish_id": "w1", "claim_id": "c1", "member_id": "m1",
                                     "community_code": "x"})  # no local consumer binds it
    assert bus.deliver_batch(matching) == 2
    assert all(row.sent_at is not None for row in _rows(matching))
    assert _count(scoring, scoring.outbox) == 1
    assert bus.deliver_batch(matching) == 0  # nothing due: nothing delivered again


def test_a_transient_failure_keeps_the_row_and_poison_parks_it(make_db):
    def apply(uow, env):
        if env.payload.wish_id == "bad":
            raise Poison("refused by a rule")
        raise RuntimeError("briefly failing")  # every try of this delivery

    bus, matching, scoring = _bus(make_db, apply)
    _emit(matching, "wish.confirmed", {"wish_id": "w1", "claim_id": "c1", "member_id": "m1"})
    _emit(matching, "wish.confirmed", {"wish_id": "bad", "claim_id": "c2", "member_id": "m1"})
    assert bus.deliver_batch(matching) == 0
    flaky, bad = _rows(matching)
    assert flaky.sent_at is None and flaky.parked_at is None and flaky.attempts == 1
    assert "RuntimeError" in flaky.last_error
    assert bad.parked_at is not None and "refused by a rule" in bad.last_error
    assert _count(scoring, scoring.inbox) == 0  # neither was applied
