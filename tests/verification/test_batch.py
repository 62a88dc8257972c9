"""A batch of wishes applied at once (reads prefetched, one commit) decides as one at a time."""
from __future__ import annotations

from datetime import date

from services.verification.models import AllowanceRecord, Review, RoundEntry
from shared.batch import apply_batch
from shared.consumer import Handler
from shared.envelope import utcnow
from shared.pii import keyed_hash
from shared.topology import queue
from tests.factories import ADDRESS, wish_submitted
from tests.helpers import person_id


def _apply(db, verify, events, calls: list) -> list:
    """Apply `events` as one batch; `calls` gets the prefetch's batch size, then one 1 for each
    wish verified (a second pass would verify them all again)."""
    def prefetch(uow, items):
        calls.append(len(items))
        verify.prefetch(uow, items)

    def counted(uow, event):
        calls.append(1)
        verify(uow, event)

    handler = Handler(queue("verification.wish-submitted"), counted, decode=lambda m: m,
                      key=lambda m, item: item.message_id, prefetch=prefetch)
    return apply_batch(db, handler, "verification:test", events)


def test_a_batch_sees_its_own_household_and_person_and_the_registry(db, verify, db_settings):
    enrolled = {"id_number": person_id(21, "19480105"), "household_monthly_income": None,
                "target_groups": ["low_income"], "address": "川汇区文明路 88 号"}
    with db.uow() as uow:
        uow.session.add(AllowanceRecord(
            id_number_hash=keyed_hash(db_settings.pii_hash_key, enrolled["id_number"]),
            status="enrolled", kind="dibao", since=date(2023, 5, 1), district="chuanhui",
            imported_at=utcnow()))
        uow.commit()
    husband = {"name": "李老汉", "id_number": person_id(11, "19500101"), "address": ADDRESS + " "}
    events = [
        wish_submitted(db_settings, title="想要一套棉衣棉裤", description="天冷了想买些棉衣棉裤"),
        wish_submitted(db_settings, wisher=husband, title="想要棉衣棉裤",
                       description="天冷了给老伴买棉衣棉裤"),  # her household, a wish before
        wish_submitted(db_settings, title="想要一个新书包", description="孙子上学用"),  # hers again
        wish_submitted(db_settings, wisher=enrolled),
    ]
    calls: list[int] = []
    outcomes = _apply(db, verify, events, calls)
    assert all(o.applied for o in outcomes) and calls == [4, 1, 1, 1, 1]  # one pass, no second
    with db.uow() as uow:
        reviews = [uow.session.get(Review, e.payload.wish_id) for e in events]
        places = uow.session.query(RoundEntry).count()
        found = [(r.decision, r.reasons[0]["code"] if r.reasons else None) for r in reviews]
    assert found == [("verified", None), ("pending", "similar_household_wish"),
                     ("rejected", "duplicate_in_round"), ("verified", None)]
    assert places == 3  # hers, her husband's (pending holds it) and the enrolled wisher's


def test_a_clash_with_a_place_taken_meanwhile_is_applied_message_by_message(db, verify,
                                                                            db_settings):
    """A round place committed after the prefetch looked: the whole batch fails at its commit,
    and applied again in savepoints the rules see the place and reject the wish."""
    first, second = (wish_submitted(db_settings, title=t, description="天冷了想要")
                     for t in ("想要棉衣", "想要棉被"))
    other = wish_submitted(db_settings, wisher={"id_number": person_id(30, "19500101"),
                                                "address": "川汇区中州路 9 号"})
    calls: list[int] = []

    def sneak_in(uow, items):  # another worker admits the same person right after our look
        calls.append(len(items))
        verify.prefetch(uow, items)
        with db.uow() as elsewhere:
            verify(elsewhere, first)
            elsewhere.commit()

    handler = Handler(queue("verification.wish-submitted"), verify, decode=lambda m: m,
                      key=lambda m, item: item.message_id, prefetch=sneak_in)
    outcomes = apply_batch(db, handler, "verification:test", [second, other])
    assert all(o.applied for o in outcomes) and calls == [2]
    with db.uow() as uow:
        assert uow.session.get(Review, second.payload.wish_id).decision == "rejected"
        assert uow.session.get(Review, other.payload.wish_id).decision == "verified"
