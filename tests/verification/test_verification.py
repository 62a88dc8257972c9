"""Verifying submitted wishes against the real database: decisions, rounds, households, the registry."""
from __future__ import annotations

import threading
import uuid
from datetime import date, timedelta

from sqlalchemy import select

from services.verification import handlers, policy
from services.verification.models import Review, RoundEntry
from services.verification.registry import HttpRegistry
from shared.clock import today_in_china
from shared.pii import Sealer, keyed_hash
from tests.factories import ADDRESS, wish_submitted
from tests.helpers import emitted, free_port, person_id


def run(db, verify, event) -> Review:
    with db.uow() as uow:
        verify(uow, event)
        uow.commit()
    with db.uow() as uow:
        review = uow.session.get(Review, event.payload.wish_id)
        uow.session.expunge(review)
        return review


def test_an_eligible_wish_is_approved_with_category_standard_and_deadline(db, verify, db_settings):
    """Every rule passes: wish.verified carries 医疗保健, its service standard and a 10-day deadline."""
    review = run(db, verify, wish_submitted(db_settings))
    assert review.decision == "verified" and review.decided_by == "service"
    assert {r["rule"] for r in review.rules} >= {"identity", "income", "one_per_round", "category"}
    assert all(r["passed"] for r in review.rules)
    [event] = emitted(db, "wish.verified")
    assert event["category"] == "health" and "医疗器械" in event["service_standard"]
    assert event["deadline"] == (today_in_china() + timedelta(days=10)).isoformat()
    assert "13803941234" not in str(event) and "李景荣" not in str(event)


def test_an_urgent_wish_gets_the_short_deadline(db, verify, db_settings):
    """Urgent wishes are due in the district's urgent_days (3), whatever their category."""
    review = run(db, verify, wish_submitted(db_settings, urgent=True))
    assert review.deadline == today_in_china() + timedelta(days=3)


def test_a_clear_failure_is_rejected_with_reasons_a_resident_can_read(db, verify, db_settings):
    """A gift card is not a micro-wish: wish.rejected says so in Chinese, naming the word."""
    review = run(db, verify, wish_submitted(db_settings, title="想要一张超市购物卡", description="买点吃的"))
    assert review.decision == "rejected"
    [event] = emitted(db, "wish.rejected")
    assert event["reasons"] == [{"code": "not_a_micro_wish", "message": review.reasons[0]["message"]}]
    assert "“购物卡”" in event["reasons"][0]["message"]


def test_doubtful_wishes_wait_at_the_desk_and_say_so_by_reason_code_only(db, verify, db_settings):
    """Income just above the line: the wish is pending with the reason; wish.pending_review tells
    its submitter why in fixed words, never the income the rule read."""
    review = run(db, verify, wish_submitted(db_settings, wisher={"household_size": 2,
                                                         "household_monthly_income": 2600}))
    assert review.decision == "pending"
    assert [r["code"] for r in review.reasons] == ["income_near_threshold"]
    assert emitted(db, "wish.verified") == [] and emitted(db, "wish.rejected") == []
    [waiting] = emitted(db, "wish.pending_review")
    assert waiting["wish_id"] == review.wish_id and waiting["community_code"]
    assert waiting["reasons"] == [{"code": "income_near_threshold",
                                   "message": "家庭收入接近标准，需社区核实"}]
    assert "2600" not in str(waiting) and "1300" not in str(waiting)
    assert "李景荣" not in str(waiting) and "13803941234" not in str(waiting)
    assert review.wisher_sealed and "李景荣" not in review.wisher_sealed


def test_registry_down_puts_the_wish_on_the_desk_never_rejects_it(db, db_settings):
    """Nothing listens where the registry should be: the wish waits with registry_unavailable."""
    down = HttpRegistry(f"http://127.0.0.1:{free_port()}", timeout=0.5)
    verify = handlers.make_verify(Sealer(db_settings.pii_keys), db_settings.pii_hash_key, policy.load(),
                                  lambda _db: down)
    review = run(db, verify, wish_submitted(db_settings))
    assert review.decision == "pending"
    assert [r["code"] for r in review.reasons] == ["registry_unavailable"]


def test_second_wish_of_one_person_in_a_round_is_rejected_until_the_first_is(db, verify,
                                                                             db_settings):
    """The keyed ID hash finds the person's earlier wish; once that is rejected, a new one may come."""
    first = run(db, verify, wish_submitted(db_settings))
    second = run(db, verify, wish_submitted(db_settings, title="想要一个新书包", description="孙子上学用"))
    assert (first.decision, second.decision) == ("verified", "rejected")
    assert second.reasons[0]["code"] == "duplicate_in_round"
    with db.uow() as uow:  # a liaison rejects the first: the place is given back
        from services.verification.facts import hold_place
        review = uow.session.get(Review, first.wish_id)
        review.decision = "rejected"
        hold_place(uow, review)
        uow.commit()
    third = run(db, verify, wish_submitted(db_settings, title="想要一件棉衣", description="天冷了"))
    assert third.decision == "verified"


def test_two_workers_admit_one_person_only_once(db, db_settings, verify):
    """Two wishes of one person verified at the same moment on two connections: one place, one wish."""
    events = [wish_submitted(db_settings, title=t, description="天冷了想要") for t in ("想要棉衣", "想要棉被")]
    barrier = threading.Barrier(2)
    attempts: list[int] = []

    def work(event):
        barrier.wait()
        for attempt in range(5):  # as the consumer does: a failed unit of work is tried again
            try:
                with db.uow() as uow:
                    verify(uow, event)
                    uow.commit()
                attempts.append(attempt)
                return
            except Exception:  # noqa: BLE001 - the unique key refused the second admission
                continue

    threads = [threading.Thread(target=work, args=(e,)) for e in events]
    [t.start() for t in threads]
    [t.join(30) for t in threads]
    with db.uow() as uow:
        decisions = sorted(uow.session.scalars(select(Review.decision)))
        entries = uow.session.scalars(select(RoundEntry)).all()
    assert decisions == ["rejected", "verified"]
    assert len(entries) == 1 and len(attempts) == 2


def test_a_near_identical_wish_from_the_same_household_goes_to_the_desk(db, verify, db_settings):
    """Her husband (another ID number, same address) asks for the same thing: a person checks."""
    run(db, verify, wish_submitted(db_settings, title="想要一套棉衣棉裤", description="天冷了想买些棉衣棉裤"))
    husband = {"name": "李老汉", "id_number": person_id(11, "19500101"), "address": ADDRESS + " "}
    review = run(db, verify, wish_submitted(db_settings, wisher=husband, title="想要棉衣棉裤",
                                       description="天冷了给老伴买棉衣棉裤"))
    assert review.decision == "pending"
    assert review.reasons[0]["code"] == "similar_household_wish"


def test_an_answered_wish_is_decided_again_and_a_late_old_revision_is_ignored(db, verify,
                                                                              db_settings):
    """Revision 2 (income added) is approved; revision 1 arriving afterwards changes nothing."""
    wish_id = str(uuid.uuid4())
    first = run(db, verify, wish_submitted(db_settings, wish_id=wish_id,
                                      wisher={"household_monthly_income": None}))
    assert first.decision == "pending"
    second = run(db, verify, wish_submitted(db_settings, wish_id=wish_id, revision=2))
    assert (second.decision, second.revision) == ("verified", 2)
    late = run(db, verify, wish_submitted(db_settings, wish_id=wish_id, revision=1,
                                     wisher={"household_monthly_income": None}))
    assert (late.decision, late.revision) == ("verified", 2)
    with db.uow() as uow:
        assert len(uow.session.scalars(select(RoundEntry)).all()) == 1


def test_enrolment_in_the_imported_allowance_table_proves_low_income(db, verify, db_settings):
    """A 低保 household with no income figure is approved: the registry says it is enrolled."""
    from services.verification.models import AllowanceRecord
    from shared.envelope import utcnow
    person = {"id_number": person_id(21, "19480105"), "household_monthly_income": None,
              "target_groups": ["low_income"]}
    with db.uow() as uow:
        uow.session.add(AllowanceRecord(id_number_hash=keyed_hash(db_settings.pii_hash_key, person["id_number"]),
                                        status="enrolled", kind="dibao", since=date(2023, 5, 1),
                                        district="chuanhui", imported_at=utcnow()))
        uow.commit()
    review = run(db, verify, wish_submitted(db_settings, wisher=person))
    assert review.decision == "verified"
    assert "低保" in next(r["reason"] for r in review.rules if r["rule"] == "allowance")
