"""The public intake queue (DESIGN §4) against the real broker, driven by a plain AMQP client (pika)."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from services.intake.submissions.models import Submission
from tests.actors import HOTLINE as APP, System
from tests.factories import submission
from tests.helpers import Capture, wait_for


@pytest.fixture
def receipts(settings, intake):
    capture = Capture(settings.broker_url, f"submission.*.{APP}")
    yield capture
    capture.close()


def _count(db) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Submission.__table__))


def test_sent_twice_creates_one_wish_and_answers_each_with_the_original(intake, hotline,
                                                                        receipts):
    hotline.publish(submission(), message_id="hotline-0001")
    hotline.publish(submission(), message_id="hotline-0001")
    first, again = receipts.take(2)
    receipts.settle(1.0)
    assert len(receipts.received) == 2
    assert {r.delivery_info["routing_key"] for r in (first, again)} == {
        f"submission.accepted.{APP}"}
    payload, repeat = (json.loads(r.body)["payload"] for r in (first, again))
    assert payload["source_ref"] == repeat["source_ref"] == "hotline-0001"
    assert repeat["wish_id"] == payload["wish_id"]
    assert (payload["duplicate"], repeat["duplicate"]) == (False, True)
    assert _count(intake) == 1
    with intake.session() as s:
        assert s.get(Submission, payload["wish_id"]).source == APP


def test_a_message_id_reused_for_another_body_is_refused_not_merged_and_kept_dead(
        settings, intake, hotline, receipts):
    """Refused with idempotency_key_reused, and the refused body kept in the dead queue (with
    the dead-letter headers, and our sealed copy) so ops can see what the system sent."""
    dead = Capture(settings.broker_url, queue_name="intake.submissions.dead")
    hotline.publish(submission(), message_id="hotline-0002")
    hotline.publish({**submission(), "title": "别的心愿"}, message_id="hotline-0002")
    first, second = receipts.take(2)
    assert first.delivery_info["routing_key"] == f"submission.accepted.{APP}"
    assert second.delivery_info["routing_key"] == f"submission.rejected.{APP}"
    [error] = json.loads(second.body)["payload"]["errors"]
    assert error == {"field": "properties.message_id", "code": "idempotency_key_reused",
                     "message": "该 message_id 已用于另一份不同的提交，未作处理"}
    [kept] = dead.take(1)
    dead.close()
    assert kept.properties["message_id"] == "hotline-0002"
    assert kept.headers["x-reason"].startswith("idempotency_key_reused")
    assert kept.headers["x-first-queue"] == "intake.submissions"
    assert json.loads(kept.body)["title"] == "别的心愿"  # the refused one, as it was sent
    assert "李景荣" not in kept.headers["x-reason"]
    with intake.engine.connect() as conn:
        table = intake.metadata.tables["dead_letter"]
        [copy] = conn.execute(select(table.c.reason, table.c.app_id).where(
            table.c.message_id == "hotline-0002")).all()
    assert copy.reason.startswith("idempotency_key_reused") and copy.app_id == APP
    assert _count(intake) == 1


@pytest.mark.parametrize("body, kwargs, code", [
    (b"{broken", {}, "invalid_json"),
    (b"\xff\xfe not utf-8", {}, "invalid_json"),
    (submission(), {"headers": {}}, "unknown_schema"),
    (submission(), {"content_type": "text/xml"}, "unsupported_media_type"),
    ({**submission(), "status": "published"}, {}, "unknown_field"),
    ({k: v for k, v in submission().items() if k != "title"}, {}, "required"),
])
def test_unreadable_message_gets_a_rejected_receipt_and_lands_in_the_dead_queue(
        settings, intake, hotline, receipts, body, kwargs, code):
    hotline.publish(body, message_id="bad-1", **kwargs)
    [receipt] = receipts.take(1)
    assert receipt.delivery_info["routing_key"] == f"submission.rejected.{APP}"
    errors = json.loads(receipt.body)["payload"]["errors"]
    assert code in [e["code"] for e in errors]
    assert all(e["message"] for e in errors)
    dead = Capture(settings.broker_url, queue_name="intake.submissions.dead")
    [kept] = dead.take(1)
    assert kept.properties["message_id"] == "bad-1" and kept.headers["x-reason"]
    dead.close()
    assert _count(intake) == 0


def test_a_nul_in_a_message_is_refused_by_field_and_its_dead_reason_names_them(
        settings, intake, hotline, receipts):
    hotline.publish(submission(title="想要\u0000棉衣", wisher={"name": "李\u0000景荣"}),
                    message_id="nul-1")
    [receipt] = receipts.take(1)
    assert receipt.delivery_info["routing_key"] == f"submission.rejected.{APP}"
    errors = json.loads(receipt.body)["payload"]["errors"]
    assert {(e["field"], e["code"]) for e in errors} == {
        ("title", "invalid_characters"), ("wisher.name", "invalid_characters")}
    dead = Capture(settings.broker_url, queue_name="intake.submissions.dead")
    [kept] = dead.take(1)
    dead.close()
    # Refused at once as poison, not retried as if the database had failed.
    assert kept.headers["x-reason"] == "schema-invalid: title, wisher.name"
    assert "李" not in kept.headers["x-reason"]
    assert _count(intake) == 0


def test_message_without_identity_is_kept_in_the_dead_queue(settings, intake, hotline, receipts):
    hotline.publish(submission(), message_id=None)
    dead = Capture(settings.broker_url, queue_name="intake.submissions.dead")
    [kept] = dead.take(1)
    assert "app_id" in kept.headers["x-reason"]
    assert receipts.settle(0.5) == []
    dead.close()


def test_good_message_after_a_bad_one_is_still_accepted(intake, hotline, receipts):
    hotline.publish(b"{broken", message_id="bad-2")
    hotline.publish(submission(), message_id="good-2")
    receipts.take(2)
    keys = sorted(m.delivery_info["routing_key"] for m in receipts.received)
    assert keys == [f"submission.accepted.{APP}", f"submission.rejected.{APP}"]
    wait_for(lambda: _count(intake) == 1, what="the good submission stored")


def test_personal_data_never_travels_in_clear_on_the_bus(settings, intake, hotline):
    sent = submission(wisher={"name": "赵德明"})  # shown masked as 赵** below
    wisher = sent["wisher"]
    everything = Capture(settings.broker_url, "#")
    hotline.publish(sent, message_id="pii-1")
    wait_for(lambda: any(m.delivery_info["routing_key"] == "wish.submitted"
                         for m in everything.take(1)), what="wish.submitted relayed")
    everything.take(2)  # wish.submitted and the receipt
    for message in everything.received:
        body = message.body if isinstance(message.body, str) else message.body.decode()
        for secret in (wisher["name"], wisher["id_number"], wisher["phone"]):
            assert secret not in body
    submitted = next(json.loads(m.body) for m in everything.received
                     if m.delivery_info["routing_key"] == "wish.submitted")
    assert submitted["payload"]["wisher_display"] == "赵**"
    everything.close()


@pytest.mark.parametrize("app_id, user_id, code", [
    ("unregistered-system", "guest", "unknown_source"),
    ("other-system", "guest", "source_mismatch"),  # guest may not speak for another system
    (APP, None, "source_mismatch"),  # the broker-validated user_id is required
])
def test_only_a_registered_system_publishing_as_its_own_broker_user_is_accepted(
        settings, intake, app_id, user_id, code):
    answers = Capture(settings.broker_url, f"submission.*.{app_id}")
    System.on_queue(settings.broker_url, app_id, user_id).publish(submission(),
                                                                  message_id="spoof-1")
    [receipt] = answers.take(1)
    answers.close()
    assert receipt.delivery_info["routing_key"] == f"submission.rejected.{app_id}"
    assert code in [e["code"] for e in json.loads(receipt.body)["payload"]["errors"]]
    assert _count(intake) == 0
